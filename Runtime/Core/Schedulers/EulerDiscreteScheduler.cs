#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Euler's method on the probability-flow ODE (Karras et al. 2022, "Elucidating the Design Space of
    /// Diffusion-Based Generative Models", algorithm 2 with S_churn for optional stochasticity), matching diffusers'
    /// <c>EulerDiscreteScheduler</c>, with Karras σ spacing as an option.
    /// </summary>
    public sealed class EulerDiscreteScheduler : SigmaScheduler
    {
        private readonly EulerDiscreteSchedulerConfig _config;
        private TensorBuffer? _churned;

        /// <summary>Creates the scheduler with the default configuration.</summary>
        public EulerDiscreteScheduler()
            : this(new EulerDiscreteSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        public EulerDiscreteScheduler(EulerDiscreteSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
        }

        /// <summary>S_churn (per generation, not saved): the amount of noise re-added per step; 0 = deterministic.</summary>
        public double SChurn { get; set; }

        /// <summary>S_tmin: churn applies only where σ ≥ this.</summary>
        public double STMin { get; set; }

        /// <summary>S_tmax: churn applies only where σ ≤ this.</summary>
        public double STMax { get; set; } = double.PositiveInfinity;

        /// <summary>S_noise: the scale of the re-added noise.</summary>
        public double SNoise { get; set; } = 1.0;

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys it shares (diffusers' from_config).</summary>
        public static EulerDiscreteScheduler FromConfig(SchedulerConfig config) =>
            new EulerDiscreteScheduler((EulerDiscreteSchedulerConfig)config.ConvertTo("EulerDiscreteScheduler"));

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength)
        {
            float[] timesteps = EulerTimesteps(numInferenceSteps);
            double[] train = TrainingSigmas;
            var logSigmas = new double[train.Length];
            for (int i = 0; i < train.Length; i++)
            {
                logSigmas[i] = Math.Log(train[i]);
            }

            double[] sigmas = new double[numInferenceSteps];
            if (_config.InterpolationType == EulerInterpolationType.Linear)
            {
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    sigmas[i] = NoiseSchedules.Interpolate(timesteps[i], train);
                }
            }
            else
            {
                // torch.linspace(log σ_min, log σ_max, n + 1).exp(), as diffusers does (n + 1 values; the first n are used).
                double lo = Math.Log(train[train.Length - 1]);
                double hi = Math.Log(train[0]);
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    sigmas[i] = Math.Exp(NoiseSchedules.Linspace(lo, hi, numInferenceSteps + 1, i));
                }
            }

            if (_config.UseKarrasSigmas)
            {
                double sigmaMin = _config.SigmaMin ?? sigmas[sigmas.Length - 1];
                double sigmaMax = _config.SigmaMax ?? sigmas[0];
                sigmas = NoiseSchedules.Karras(numInferenceSteps, sigmaMin, sigmaMax);
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    timesteps[i] = (float)NoiseSchedules.SigmaToTimestep(sigmas[i], logSigmas);
                }
            }

            var withFinal = new double[numInferenceSteps + 1];
            for (int i = 0; i < numInferenceSteps; i++)
            {
                withFinal[i] = (float)sigmas[i];
            }

            withFinal[numInferenceSteps] = _config.FinalSigmasType == FinalSigmasType.SigmaMin ? train[0] : 0.0;
            SetSigmas(withFinal);
            return timesteps;
        }

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            double sigma = CurrentSigma;
            double gamma = STMin <= sigma && sigma <= STMax ? Math.Min(SChurn / (Sigmas.Length - 1), Math.Sqrt(2) - 1) : 0.0;
            double sigmaHat = sigma * (gamma + 1);
            TensorBuffer x = sample;
            if (gamma > 0)
            {
                TensorBuffer fresh = DrawNoise(sample, noise);
                _churned = _churned != null && _churned.HasShapeOf(sample) ? _churned : sample.CreateLike();
                SpanMath.Combine(sample.Span, 1f, fresh.Span, (float)(SNoise * Math.Sqrt(sigmaHat * sigmaHat - sigma * sigma)), _churned.Span);
                x = _churned;
            }

            // diffusers computes v-prediction's x₀ with σ (not σ̂) and ε's with σ̂; the same here.
            PredictOriginalFromSigma(modelOutput, x, Config.PredictionType == PredictionType.Epsilon ? sigmaHat : sigma, predictedOriginal);

            // derivative d = (x − x₀)/σ̂; x_prev = x + d·(σ_next − σ̂)
            double dt = NextSigma - sigmaHat;
            float k = (float)(dt / sigmaHat);
            SpanMath.Combine(x.Span, 1f + k, predictedOriginal.Span, -k, prevSample.Span);
        }

        private static double[] BetasFor(EulerDiscreteSchedulerConfig config)
        {
            config.ValidateCommon();
            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
