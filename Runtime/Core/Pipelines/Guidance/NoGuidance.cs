#nullable enable
namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>The model's conditional prediction as it is: one model call of one row per image.</summary>
    public sealed class NoGuidance : Guider
    {
        private NoGuidance()
            : base(1f, null)
        {
        }

        /// <summary>The one instance.</summary>
        public static NoGuidance Instance { get; } = new NoGuidance();

        /// <inheritdoc />
        internal override void Predict(GuidedPrediction step, float timestep) => step.RunModel(timestep, withUnconditional: false, step.Prediction);
    }
}
