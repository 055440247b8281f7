#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Denoising diffusion probabilistic models (Ho, Jain and Abbeel 2020, "Denoising Diffusion Probabilistic
    /// Models", algorithm 2), matching diffusers' <c>DDPMScheduler</c>: ancestral sampling from the posterior
    /// q(x_{t−1} | x_t, x₀) with the predicted x₀, optionally over fewer steps than training.
    /// </summary>
    public sealed class DDPMScheduler : Scheduler
    {
        private readonly DDPMSchedulerConfig _config;

        /// <summary>Creates the scheduler with the default configuration.</summary>
        public DDPMScheduler()
            : this(new DDPMSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        public DDPMScheduler(DDPMSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
        }

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys DDPM shares (diffusers' from_config).</summary>
        public static DDPMScheduler FromConfig(SchedulerConfig config) => new DDPMScheduler((DDPMSchedulerConfig)config.ConvertTo("DDPMScheduler"));

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength) =>
            DiscreteTimesteps.Spaced(_config.NumTrainTimesteps, numInferenceSteps, _config.TimestepSpacing, _config.StepsOffset);

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            int t = (int)timestep;
            float[] all = AllTimesteps;
            int index = StepIndex;
            int prevT = index + 1 < all.Length ? (int)all[index + 1] : -1;

            double alphaProd = AlphaProdAt(timestep);
            double alphaProdPrev = prevT >= 0 ? Alphas[prevT] : 1.0;
            double betaProd = 1 - alphaProd;
            double betaProdPrev = 1 - alphaProdPrev;
            double currentAlpha = alphaProd / alphaProdPrev;
            double currentBeta = 1 - currentAlpha;

            PredictOriginal(modelOutput, sample, alphaProd, predictedOriginal);
            ClipPredictedOriginal(predictedOriginal, _config);

            // Posterior mean (Ho et al. eq. 7).
            float x0Coeff = (float)(Math.Sqrt(alphaProdPrev) * currentBeta / betaProd);
            float sampleCoeff = (float)(Math.Sqrt(currentAlpha) * betaProdPrev / betaProd);
            if (t > 0)
            {
                double variance = Math.Max(betaProdPrev / betaProd * currentBeta, 1e-20);
                double std = _config.VarianceType switch
                {
                    DDPMVarianceType.FixedSmall => Math.Sqrt(variance),
                    DDPMVarianceType.FixedSmallLog => Math.Exp(0.5 * Math.Log(variance)),
                    DDPMVarianceType.FixedLarge => Math.Sqrt(currentBeta),
                    _ => Math.Exp(0.5 * Math.Log(currentBeta)),
                };
                TensorBuffer fresh = DrawNoise(sample, noise);
                SpanMath.Combine(predictedOriginal.Span, x0Coeff, sample.Span, sampleCoeff, fresh.Span, (float)std, prevSample.Span);
            }
            else
            {
                SpanMath.Combine(predictedOriginal.Span, x0Coeff, sample.Span, sampleCoeff, prevSample.Span);
            }
        }

        private static double[] BetasFor(DDPMSchedulerConfig config)
        {
            config.ValidateCommon();
            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
