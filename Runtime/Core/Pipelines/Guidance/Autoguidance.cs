#nullable enable
namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>
    /// Autoguidance (Karras et al. 2024, "Guiding a diffusion model with a bad version of itself"): guide + w · (model −
    /// guide), where the guide is a weaker model of the same kind (smaller, trained for less long), both given the same
    /// rows. Outside its interval the model runs alone.
    /// </summary>
    public sealed class Autoguidance : Guider
    {
        /// <summary>Creates the guider at scale <paramref name="scale"/>, guiding within <paramref name="interval"/> (null: every step).</summary>
        /// <exception cref="System.ArgumentOutOfRangeException">See <see cref="Guider"/>.</exception>
        public Autoguidance(float scale, (float Low, float High)? interval = null)
            : base(scale, interval)
        {
        }

        /// <inheritdoc />
        public override bool UsesGuideModel => true;

        /// <inheritdoc />
        internal override void Predict(GuidedPrediction step, float timestep)
        {
            if (!IsActiveAt(timestep))
            {
                step.RunModel(timestep, withUnconditional: false, step.Prediction);
                return;
            }

            TensorBuffer guide = step.GuideOutput;
            step.RunModel(timestep, withUnconditional: false, step.Prediction, guide);
            GuidanceArithmetic.Combine(step.Prediction.Span, guide.Span, Scale, step.Prediction.Span);
        }
    }
}
