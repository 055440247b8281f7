#nullable enable
using System;

namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>The extrapolation every guider ends with: result = weak + scale · (strong − weak).</summary>
    internal static class GuidanceArithmetic
    {
        /// <summary>result = weak + scale · (strong − weak); <paramref name="result"/> may be <paramref name="strong"/> but must not overlap <paramref name="weak"/>.</summary>
        /// <exception cref="ArgumentException">The spans differ in length, or the result overlaps the weak prediction.</exception>
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

            SpanMath.Subtract(strong, weak, result);
            SpanMath.MultiplyAdd(result, scale, weak, result);
        }
    }
}
