#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>What the model predicts (diffusers' <c>prediction_type</c>).</summary>
    public enum PredictionType
    {
        /// <summary><c>epsilon</c>: the noise that was added.</summary>
        Epsilon,

        /// <summary><c>v_prediction</c>: v = √ᾱ·ε − √(1−ᾱ)·x₀ (Salimans and Ho 2022).</summary>
        VPrediction,

        /// <summary><c>sample</c>: the clean sample x₀ itself.</summary>
        Sample,
    }
}
