#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Multistep consistency sampling for latent consistency models (Luo et al. 2023, "Latent Consistency Models",
    /// algorithm 3), matching diffusers' <c>LCMScheduler</c>: each step maps x_t to the boundary-condition
    /// denoised x₀ = c_out·x̂₀ + c_skip·x_t, then re-noises it to the next timestep (not after the last).
    /// Multi-step runs need a <see cref="NoiseGenerator"/>.
    /// </summary>
    public sealed class LCMScheduler : Scheduler
    {
        private readonly LCMSchedulerConfig _config;
        private readonly double _finalAlphaProd;

        /// <summary>Creates the scheduler with the default configuration.</summary>
        public LCMScheduler()
            : this(new LCMSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        public LCMScheduler(LCMSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
            _finalAlphaProd = config.SetAlphaToOne ? 1.0 : Alphas[0];
        }

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys it shares (diffusers' from_config).</summary>
        public static LCMScheduler FromConfig(SchedulerConfig config) => new LCMScheduler((LCMSchedulerConfig)config.ConvertTo("LCMScheduler"));

        private protected override int MaxInferenceSteps => _config.OriginalInferenceSteps;

        private protected override bool UsesStrengthInSchedule => true;

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength)
        {
            // LCM's origin schedule: k·i − 1 for i = 1…⌊original·strength⌋, k = T // original; pick n evenly (floor) from it reversed.
            int k = _config.NumTrainTimesteps / _config.OriginalInferenceSteps;
            int originCount = (int)(_config.OriginalInferenceSteps * strength);
            if (originCount < numInferenceSteps)
            {
                throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                    $"LCMScheduler with strength {strength} has only {originCount} candidate timesteps (original_inference_steps = {_config.OriginalInferenceSteps}); use at most that many steps or a higher strength.");
            }

            var timesteps = new float[numInferenceSteps];
            for (int i = 0; i < numInferenceSteps; i++)
            {
                int index = (int)Math.Floor((double)originCount * i / numInferenceSteps);
                int reversedPosition = originCount - 1 - index;
                timesteps[i] = (reversedPosition + 1) * k - 1;
            }

            return timesteps;
        }

        private protected override int InitialStepIndex(float timestep) => IndexForTimestep(timestep);

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            float[] all = AllTimesteps;
            int prevIndex = StepIndex + 1;
            int prevTimestep = prevIndex < all.Length ? (int)all[prevIndex] : (int)timestep;
            double alphaProd = AlphaProdAt(timestep);
            double alphaProdPrev = prevTimestep >= 0 ? Alphas[prevTimestep] : _finalAlphaProd;

            // Consistency boundary condition (c_skip, c_out) with σ_data = 0.5.
            double scaled = timestep * _config.TimestepScaling;
            double cSkip = 0.25 / (scaled * scaled + 0.25);
            double cOut = scaled / Math.Sqrt(scaled * scaled + 0.25);

            PredictOriginal(modelOutput, sample, alphaProd, predictedOriginal);
            ClipPredictedOriginal(predictedOriginal, _config);

            // denoised is the step's x₀ (the frame worth showing); written into predictedOriginal.
            SpanMath.Combine(predictedOriginal.Span, (float)cOut, sample.Span, (float)cSkip, predictedOriginal.Span);
            if (StepIndex != all.Length - 1)
            {
                TensorBuffer fresh = DrawNoise(sample, noise);
                SpanMath.Combine(predictedOriginal.Span, (float)Math.Sqrt(alphaProdPrev), fresh.Span, (float)Math.Sqrt(1 - alphaProdPrev), prevSample.Span);
            }
            else
            {
                predictedOriginal.CopyTo(prevSample);
            }
        }

        private static double[] BetasFor(LCMSchedulerConfig config)
        {
            config.ValidateCommon();
            if (config.OriginalInferenceSteps < 1 || config.OriginalInferenceSteps > config.NumTrainTimesteps)
            {
                throw config.Invalid("original_inference_steps", config.OriginalInferenceSteps.ToString(System.Globalization.CultureInfo.InvariantCulture), $"between 1 and num_train_timesteps ({config.NumTrainTimesteps})");
            }

            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
