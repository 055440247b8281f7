using System;
using System.Numerics.Tensors;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Guidance by extrapolation between two predictions: classifier-free guidance (conditional against "no class")
    /// and autoguidance (the model against a weaker guide model, both conditioned alike).
    /// </summary>
    internal static class ClassifierFreeGuidance
    {
        /// <summary>destination = uncond + scale · (cond − uncond), where cond and uncond are the two halves of <paramref name="batched"/>.</summary>
        public static void Combine(TensorBuffer batched, float scale, TensorBuffer destination)
        {
            int half = destination.Length;
            if (batched.Length != 2 * half)
            {
                throw new ArgumentException($"A guided batch {batched.ShapeString} must hold twice {destination.ShapeString}.", nameof(batched));
            }

            Combine(batched.Span.Slice(0, half), batched.Span.Slice(half, half), scale, destination.Span);
        }

        /// <summary>result = weak + scale · (strong − weak); <paramref name="result"/> may be <paramref name="strong"/> but must not overlap <paramref name="weak"/>.</summary>
        public static void Combine(ReadOnlySpan<float> strong, ReadOnlySpan<float> weak, float scale, Span<float> result)
        {
            if (strong.Length != weak.Length || result.Length != strong.Length)
            {
                throw new ArgumentException($"Guidance combines predictions of one size; got {strong.Length}, {weak.Length} and {result.Length} values.", nameof(result));
            }

            if (result.Overlaps(weak))
            {
                throw new ArgumentException("The result must not overlap the weak prediction.", nameof(result));
            }

            TensorPrimitives.Subtract(strong, weak, result);
            TensorPrimitives.MultiplyAdd(result, scale, weak, result);
        }
    }
}
