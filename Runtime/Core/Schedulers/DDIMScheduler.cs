#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Denoising diffusion implicit models (Song, Meng and Ermon 2021, "Denoising Diffusion Implicit Models",
    /// eq. 12), matching diffusers' <c>DDIMScheduler</c>. Deterministic at η = 0; η = 1 recovers DDPM's variance.
    /// </summary>
    public sealed class DDIMScheduler : Scheduler
    {
        private readonly DDIMSchedulerConfig _config;
        private readonly double _finalAlphaProd;
        private double _eta;
        private TensorBuffer? _epsilon;

        /// <summary>Creates the scheduler with the default configuration.</summary>
        public DDIMScheduler()
            : this(new DDIMSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range.</exception>
        public DDIMScheduler(DDIMSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
            _finalAlphaProd = config.SetAlphaToOne ? 1.0 : Alphas[0];
        }

        /// <summary>
        /// η, the weight of fresh noise per step (a per-generation argument, not saved configuration): 0 is
        /// deterministic DDIM, 1 matches DDPM's variance. Steps with η &gt; 0 need a <see cref="NoiseGenerator"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">η is negative or not finite.</exception>
        public double Eta
        {
            get => _eta;
            set
            {
                if (!(value >= 0) || double.IsInfinity(value))
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "DDIM eta must be a finite value >= 0 (0 = deterministic).");
                }

                _eta = value;
            }
        }

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys DDIM shares (diffusers' from_config).</summary>
        public static DDIMScheduler FromConfig(SchedulerConfig config) => new DDIMScheduler((DDIMSchedulerConfig)config.ConvertTo("DDIMScheduler"));

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength) =>
            DiscreteTimesteps.Spaced(_config.NumTrainTimesteps, numInferenceSteps, _config.TimestepSpacing, _config.StepsOffset);

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            // As diffusers: the previous timestep is t − T//n whatever the spacing.
            int prevT = (int)timestep - _config.NumTrainTimesteps / NumInferenceSteps;
            double alphaProd = AlphaProdAt(timestep);
            double alphaProdPrev = prevT >= 0 ? Alphas[prevT] : _finalAlphaProd;
            double betaProd = 1 - alphaProd;

            PredictOriginal(modelOutput, sample, alphaProd, predictedOriginal);
            ClipPredictedOriginal(predictedOriginal, _config);

            // The ε the step moves along: the model's own for ε-prediction (diffusers' default, use_clipped_model_output
            // = False); derived from x₀ and x_t for v- and sample-prediction.
            TensorBuffer epsilon;
            switch (_config.PredictionType)
            {
                case PredictionType.Epsilon:
                    epsilon = modelOutput;
                    break;
                case PredictionType.VPrediction:
                    epsilon = Scratch(sample);
                    SpanMath.Combine(modelOutput.Span, (float)Math.Sqrt(alphaProd), sample.Span, (float)Math.Sqrt(betaProd), epsilon.Span);
                    break;
                default:
                    epsilon = Scratch(sample);
                    SpanMath.Combine(sample.Span, (float)(1 / Math.Sqrt(betaProd)), predictedOriginal.Span, (float)(-Math.Sqrt(alphaProd) / Math.Sqrt(betaProd)), epsilon.Span);
                    break;
            }

            double variance = (1 - alphaProdPrev) / betaProd * (1 - alphaProd / alphaProdPrev);
            double std = _eta * Math.Sqrt(variance);
            float x0Coeff = (float)Math.Sqrt(alphaProdPrev);
            float epsCoeff = (float)Math.Sqrt(Math.Max(1 - alphaProdPrev - std * std, 0));
            if (_eta > 0)
            {
                TensorBuffer fresh = DrawNoise(sample, noise);
                SpanMath.Combine(predictedOriginal.Span, x0Coeff, epsilon.Span, epsCoeff, fresh.Span, (float)std, prevSample.Span);
            }
            else
            {
                SpanMath.Combine(predictedOriginal.Span, x0Coeff, epsilon.Span, epsCoeff, prevSample.Span);
            }
        }

        private TensorBuffer Scratch(TensorBuffer like)
        {
            if (_epsilon == null || !_epsilon.HasShapeOf(like))
            {
                _epsilon = like.CreateLike();
            }

            return _epsilon;
        }

        private static double[] BetasFor(DDIMSchedulerConfig config)
        {
            config.ValidateCommon();
            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
