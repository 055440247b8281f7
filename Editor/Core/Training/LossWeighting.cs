using System;
using System.Collections.Generic;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// Per-timestep weights of the training loss: Min-SNR-γ (Hang et al. 2023), optionally with a floor so that
    /// timesteps where the signal-to-noise ratio reaches 0 are still learned.
    /// </summary>
    /// <remarks>
    /// In x₀ terms Min-SNR weighs a timestep by min(SNR, γ); the ε loss is SNR times the x₀ loss and the v loss
    /// SNR + 1 times it, hence diffusers' min(SNR, γ)/SNR and min(SNR, γ)/(SNR + 1). For v (and x₀) prediction that
    /// weight goes to 0 with the SNR: on a schedule whose last timesteps hold no signal (cosine with its 0.999 beta
    /// cap, or any zero-terminal-SNR schedule) the network then never learns to predict the image's mean at
    /// t ≈ T, where trailing-spaced sampling starts. The floor clamps the x₀-space weight to [floor, γ], so a
    /// floor of 1 weighs those timesteps like a plain v loss does and keeps Min-SNR's down-weighting of the easy,
    /// low-noise ones.
    /// </remarks>
    public static class LossWeighting
    {
        /// <summary>The floor used when none is chosen: 1 for v and sample prediction (pure-noise timesteps stay trained), 0 for ε (no floor applies).</summary>
        public static double DefaultFloor(PredictionType prediction) => prediction == PredictionType.Epsilon ? 0 : 1;

        /// <summary>
        /// The weight of each training timestep. <paramref name="gamma"/> 0 turns weighting off (all 1);
        /// <paramref name="floor"/> applies to v and sample prediction only (for ε a floor would weigh pure-noise
        /// timesteps by floor/SNR, without bound).
        /// </summary>
        public static double[] MinSnr(IReadOnlyList<double> alphasCumprod, PredictionType prediction, double gamma, double floor)
        {
            if (alphasCumprod == null)
            {
                throw new ArgumentNullException(nameof(alphasCumprod));
            }

            if (gamma < 0 || double.IsNaN(gamma))
            {
                throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "Min-SNR gamma must be 0 (off) or positive.");
            }

            if (floor < 0 || double.IsNaN(floor) || (gamma > 0 && floor > gamma))
            {
                throw new ArgumentOutOfRangeException(nameof(floor), floor, $"The Min-SNR floor must lie between 0 and gamma ({gamma}).");
            }

            if (floor > 0 && prediction == PredictionType.Epsilon)
            {
                throw new ArgumentException("A Min-SNR floor applies to v or sample prediction only; with epsilon prediction leave it at 0.", nameof(floor));
            }

            var weights = new double[alphasCumprod.Count];
            if (gamma == 0)
            {
                Array.Fill(weights, 1.0);
                return weights;
            }

            for (int t = 0; t < weights.Length; t++)
            {
                double ab = alphasCumprod[t];
                double snr = ab / (1 - ab);
                double x0Weight = Math.Max(Math.Min(snr, gamma), floor);
                weights[t] = prediction switch
                {
                    PredictionType.VPrediction => x0Weight / (snr + 1),
                    PredictionType.Sample => x0Weight,
                    _ => snr <= gamma ? 1 : gamma / snr, // min(SNR, γ)/SNR without 0/0 at SNR = 0
                };
            }

            return weights;
        }
    }
}
