#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Ancestral sampling with Euler steps (k-diffusion's <c>sample_euler_ancestral</c>; Karras et al. 2022 notation),
    /// matching diffusers' <c>EulerAncestralDiscreteScheduler</c>: each step moves deterministically to σ_down and
    /// adds fresh noise of scale σ_up, with σ_down² + σ_up² = σ_next². Needs a <see cref="NoiseGenerator"/>.
    /// </summary>
    public sealed class EulerAncestralDiscreteScheduler : SigmaScheduler
    {
        /// <summary>Creates the scheduler with the default configuration.</summary>
        public EulerAncestralDiscreteScheduler()
            : this(new EulerAncestralDiscreteSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        public EulerAncestralDiscreteScheduler(EulerAncestralDiscreteSchedulerConfig config)
            : base(config, BetasFor(config))
        {
        }

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys it shares (diffusers' from_config).</summary>
        public static EulerAncestralDiscreteScheduler FromConfig(SchedulerConfig config) =>
            new EulerAncestralDiscreteScheduler((EulerAncestralDiscreteSchedulerConfig)config.ConvertTo("EulerAncestralDiscreteScheduler"));

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength)
        {
            float[] timesteps = EulerTimesteps(numInferenceSteps);
            var withFinal = new double[numInferenceSteps + 1];
            for (int i = 0; i < numInferenceSteps; i++)
            {
                withFinal[i] = (float)NoiseSchedules.Interpolate(timesteps[i], TrainingSigmas);
            }

            withFinal[numInferenceSteps] = 0.0;
            SetSigmas(withFinal);
            return timesteps;
        }

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            double sigmaFrom = CurrentSigma;
            double sigmaTo = NextSigma;
            PredictOriginalFromSigma(modelOutput, sample, sigmaFrom, predictedOriginal);
            double sigmaUp = Math.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
            double sigmaDown = Math.Sqrt(Math.Max(sigmaTo * sigmaTo - sigmaUp * sigmaUp, 0));

            // x + d·(σ_down − σ) with d = (x − x₀)/σ, then + σ_up·z.
            float k = (float)((sigmaDown - sigmaFrom) / sigmaFrom);
            TensorBuffer fresh = DrawNoise(sample, noise);
            SpanMath.Combine(sample.Span, 1f + k, predictedOriginal.Span, -k, fresh.Span, (float)sigmaUp, prevSample.Span);
        }

        private static double[] BetasFor(EulerAncestralDiscreteSchedulerConfig config)
        {
            config.ValidateCommon();
            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
