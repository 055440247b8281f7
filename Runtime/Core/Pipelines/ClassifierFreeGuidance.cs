using System;
using System.Numerics.Tensors;

namespace LiveDiffusion.Pipelines
{
    /// <summary>Classifier-free guidance over one batched model call whose first half is conditional and second half unconditional.</summary>
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

            Span<float> cond = batched.Span.Slice(0, half);
            Span<float> uncond = batched.Span.Slice(half, half);
            Span<float> result = destination.Span;
            TensorPrimitives.Subtract(cond, uncond, result);
            TensorPrimitives.MultiplyAdd(result, scale, uncond, result);
        }
    }
}
