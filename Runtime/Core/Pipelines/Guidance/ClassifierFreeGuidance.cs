#nullable enable
namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>
    /// Classifier-free guidance (Ho and Salimans 2022): uncond + w · (cond − uncond), where the conditional rows (a class,
    /// or a prompt) and the unconditional ones (the "no class" embedding, or the negative prompt) run as one batch,
    /// conditional rows first. Outside its interval the conditional rows run alone, at half the batch.
    /// </summary>
    public sealed class ClassifierFreeGuidance : Guider
    {
        /// <summary>Creates the guider at scale <paramref name="scale"/>, guiding within <paramref name="interval"/> (null: every step).</summary>
        /// <exception cref="System.ArgumentOutOfRangeException">See <see cref="Guider"/>.</exception>
        public ClassifierFreeGuidance(float scale, (float Low, float High)? interval = null)
            : base(scale, interval)
        {
        }

        /// <inheritdoc />
        public override int RowsPerImage => 2;

        /// <inheritdoc />
        internal override void Predict(GuidedPrediction step, float timestep)
        {
            if (!IsActiveAt(timestep))
            {
                step.RunModel(timestep, withUnconditional: false, step.Prediction);
                return;
            }

            TensorBuffer batched = step.BatchedOutput;
            step.RunModel(timestep, withUnconditional: true, batched);
            int half = step.Prediction.Length;
            GuidanceArithmetic.Combine(batched.Span.Slice(0, half), batched.Span.Slice(half, half), Scale, step.Prediction.Span);
        }
    }
}
