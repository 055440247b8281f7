#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// DPM-Solver++ multistep (Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion
    /// Probabilistic Models", algorithm 2), matching diffusers' <c>DPMSolverMultistepScheduler</c> with
    /// algorithm_type "dpmsolver++" (the ODE solver) or "sde-dpmsolver++" (the SDE solver, "DPM++ 2M SDE", which draws
    /// fresh noise every step), orders 1–2, midpoint or Heun updates, lower-order final steps and optional Karras σ
    /// ("DPM++ 2M Karras"). State between steps is the previous denoised estimate x₀ only.
    /// </summary>
    public sealed class DPMSolverMultistepScheduler : Scheduler
    {
        private readonly DPMSolverMultistepSchedulerConfig _config;
        private readonly double[] _trainingSigmas;
        private double[] _sigmas = System.Array.Empty<double>();
        private TensorBuffer? _previousDenoised;
        private TensorBuffer? _currentDenoised;
        private int _lowerOrderNums;

        /// <summary>Creates the scheduler with the default configuration (DPM++ 2M).</summary>
        public DPMSolverMultistepScheduler()
            : this(new DPMSolverMultistepSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">The solver order is not 1 or 2, or another value is out of range.</exception>
        public DPMSolverMultistepScheduler(DPMSolverMultistepSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
            _trainingSigmas = FiniteTrainingSigmas();
        }

        /// <summary>σ per step of the current schedule, plus the final σ.</summary>
        public ReadOnlySpan<double> Sigmas => _sigmas;

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys it shares (diffusers' from_config).</summary>
        public static DPMSolverMultistepScheduler FromConfig(SchedulerConfig config) =>
            new DPMSolverMultistepScheduler((DPMSolverMultistepSchedulerConfig)config.ConvertTo("DPMSolverMultistepScheduler"));

        /// <summary>destination = α_t·x₀ + σ_t·ε, with α_t = 1/√(σ²+1), σ_t = σ·α_t for the σ of <paramref name="timestep"/>.</summary>
        public override void AddNoise(TensorBuffer original, TensorBuffer noise, float timestep, TensorBuffer destination)
        {
            original.RequireShapeOf(noise, nameof(noise), nameof(original));
            original.RequireShapeOf(destination, nameof(destination), nameof(original));
            if (_sigmas.Length == 0)
            {
                throw new InvalidOperationException($"{Name}.AddNoise needs the schedule: call SetTimesteps first.");
            }

            int index = InitialStepIndex(timestep);
            AlphaSigma(_sigmas[index], out double alpha, out double sigma);
            SpanMath.Combine(original.Span, (float)alpha, noise.Span, (float)sigma, destination.Span);
        }

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength)
        {
            int trainSteps = _config.NumTrainTimesteps;
            // last_timestep = T − searchsorted(flip(λ), lambda_min_clipped)
            int clipped = 0;
            for (int i = trainSteps - 1; i >= 0; i--)
            {
                double lambda = 0.5 * Math.Log(Alphas[i]) - 0.5 * Math.Log(1 - Alphas[i]);
                if (lambda < _config.LambdaMinClipped)
                {
                    clipped++;
                }
                else
                {
                    break;
                }
            }

            int lastTimestep = trainSteps - clipped;
            var timesteps = new double[numInferenceSteps];
            switch (_config.TimestepSpacing)
            {
                case TimestepSpacing.Linspace:
                    // linspace(0, last − 1, n + 1).round()[::-1][:-1]
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        timesteps[i] = NoiseSchedules.RoundHalfEven(NoiseSchedules.Linspace(0, lastTimestep - 1, numInferenceSteps + 1, numInferenceSteps - i));
                    }

                    break;
                case TimestepSpacing.Leading:
                    int ratio = lastTimestep / (numInferenceSteps + 1);
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        timesteps[i] = (long)(numInferenceSteps - i) * ratio + _config.StepsOffset;
                    }

                    break;
                default:
                    double step = (double)trainSteps / numInferenceSteps;
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        timesteps[i] = NoiseSchedules.RoundHalfEven(lastTimestep - i * step) - 1;
                    }

                    break;
            }

            var sigmas = new double[numInferenceSteps + 1];
            if (_config.UseKarrasSigmas)
            {
                var logSigmas = new double[_trainingSigmas.Length];
                for (int i = 0; i < logSigmas.Length; i++)
                {
                    logSigmas[i] = Math.Log(_trainingSigmas[i]);
                }

                double[] karras = NoiseSchedules.Karras(numInferenceSteps, _config.SigmaMin ?? _trainingSigmas[0], _config.SigmaMax ?? _trainingSigmas[_trainingSigmas.Length - 1]);
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    sigmas[i] = (float)karras[i];
                    timesteps[i] = NoiseSchedules.RoundHalfEven(NoiseSchedules.SigmaToTimestep(karras[i], logSigmas));
                }
            }
            else
            {
                for (int i = 0; i < numInferenceSteps; i++)
                {
                    sigmas[i] = (float)NoiseSchedules.Interpolate(timesteps[i], _trainingSigmas);
                }
            }

            sigmas[numInferenceSteps] = _config.FinalSigmasType == FinalSigmasType.SigmaMin ? (float)_trainingSigmas[0] : 0.0;
            _sigmas = sigmas;
            var result = new float[numInferenceSteps];
            for (int i = 0; i < numInferenceSteps; i++)
            {
                result[i] = (float)timesteps[i];
            }

            return result;
        }

        private protected override void ResetState()
        {
            _lowerOrderNums = 0;
        }

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            if (_currentDenoised == null || !_currentDenoised.HasShapeOf(sample))
            {
                _currentDenoised = sample.CreateLike();
                _previousDenoised = sample.CreateLike();
            }

            int count = AllTimesteps.Length;
            bool lowerOrderFinal = StepIndex == count - 1 &&
                (_config.EulerAtFinal || (_config.LowerOrderFinal && count < 15) || _config.FinalSigmasType == FinalSigmasType.Zero);
            // (diffusers' lower_order_second only changes third-order steps, which this scheduler does not offer.)

            // Rotate: the last step's x₀ becomes m1; this step's x₀ (m0) goes into the other buffer.
            TensorBuffer m1 = _currentDenoised;
            TensorBuffer m0 = _previousDenoised!;
            _previousDenoised = m1;
            _currentDenoised = m0;
            ConvertModelOutput(modelOutput, sample, m0);
            m0.CopyTo(predictedOriginal);

            TensorBuffer? fresh = _config.AlgorithmType == DPMSolverAlgorithmType.SdeDpmSolverPlusPlus ? DrawNoise(sample, noise) : null;
            if (_config.SolverOrder == 1 || _lowerOrderNums < 1 || lowerOrderFinal)
            {
                FirstOrderUpdate(m0, sample, fresh, prevSample);
            }
            else
            {
                SecondOrderUpdate(m0, m1, sample, fresh, prevSample);
            }

            if (_lowerOrderNums < _config.SolverOrder)
            {
                _lowerOrderNums++;
            }
        }

        /// <summary>x₀ from the model output (the data prediction DPM-Solver++ works with), thresholded if configured.</summary>
        private void ConvertModelOutput(TensorBuffer modelOutput, TensorBuffer sample, TensorBuffer x0)
        {
            AlphaSigma(_sigmas[StepIndex], out double alpha, out double sigma);
            switch (_config.PredictionType)
            {
                case PredictionType.Epsilon:
                    SpanMath.Combine(sample.Span, (float)(1 / alpha), modelOutput.Span, (float)(-sigma / alpha), x0.Span);
                    break;
                case PredictionType.VPrediction:
                    SpanMath.Combine(sample.Span, (float)alpha, modelOutput.Span, (float)-sigma, x0.Span);
                    break;
                default:
                    modelOutput.CopyTo(x0);
                    break;
            }

            if (_config.Thresholding)
            {
                ApplyDynamicThreshold(x0, _config.DynamicThresholdingRatio, _config.SampleMaxValue);
            }
        }

        /// <summary>
        /// DPM-Solver++(1), i.e. DDIM in data-prediction form: x_t = (σ_t/σ_s)·x − α_t·(e^{−h} − 1)·x₀. The SDE form
        /// (<paramref name="fresh"/> given): x_t = (σ_t/σ_s)·e^{−h}·x + α_t·(1 − e^{−2h})·x₀ + σ_t·√(1 − e^{−2h})·z.
        /// </summary>
        private void FirstOrderUpdate(TensorBuffer x0, TensorBuffer sample, TensorBuffer? fresh, TensorBuffer prevSample)
        {
            AlphaSigma(_sigmas[StepIndex + 1], out double alphaT, out double sigmaT);
            AlphaSigma(_sigmas[StepIndex], out double alphaS, out double sigmaS);
            double h = Lambda(alphaT, sigmaT) - Lambda(alphaS, sigmaS);
            if (fresh == null)
            {
                double expm = Math.Exp(-h) - 1.0;
                SpanMath.Combine(sample.Span, (float)(sigmaT / sigmaS), x0.Span, (float)(-alphaT * expm), prevSample.Span);
                return;
            }

            double decay = Math.Exp(-2.0 * h);
            SpanMath.Combine(
                sample.Span, (float)(sigmaT / sigmaS * Math.Exp(-h)),
                x0.Span, (float)(alphaT * (1.0 - decay)),
                fresh.Span, (float)(sigmaT * Math.Sqrt(1.0 - decay)),
                prevSample.Span);
        }

        /// <summary>
        /// DPM-Solver++(2M): D0 = m0, D1 = (m0 − m1)/r0; midpoint or Heun correction. The SDE form replaces e^{−h} by
        /// e^{−2h} in the x₀ terms, contracts the sample by a further e^{−h} and adds σ_t·√(1 − e^{−2h})·z.
        /// </summary>
        private void SecondOrderUpdate(TensorBuffer m0, TensorBuffer m1, TensorBuffer sample, TensorBuffer? fresh, TensorBuffer prevSample)
        {
            AlphaSigma(_sigmas[StepIndex + 1], out double alphaT, out double sigmaT);
            AlphaSigma(_sigmas[StepIndex], out double alphaS0, out double sigmaS0);
            AlphaSigma(_sigmas[StepIndex - 1], out double alphaS1, out double sigmaS1);
            double lambdaT = Lambda(alphaT, sigmaT);
            double lambdaS0 = Lambda(alphaS0, sigmaS0);
            double lambdaS1 = Lambda(alphaS1, sigmaS1);
            double h = lambdaT - lambdaS0;
            double h0 = lambdaS0 - lambdaS1;
            double r0 = h0 / h;
            bool midpoint = _config.SolverType == DPMSolverSolverType.Midpoint;
            double sampleCoeff, d0Coeff, d1Coeff;
            if (fresh == null)
            {
                double expm = Math.Exp(-h) - 1.0;
                sampleCoeff = sigmaT / sigmaS0;
                d0Coeff = -alphaT * expm;
                d1Coeff = midpoint ? -0.5 * alphaT * expm : alphaT * (expm / h + 1.0);
            }
            else
            {
                double oneMinusDecay = 1.0 - Math.Exp(-2.0 * h);
                sampleCoeff = sigmaT / sigmaS0 * Math.Exp(-h);
                d0Coeff = alphaT * oneMinusDecay;
                d1Coeff = midpoint ? 0.5 * alphaT * oneMinusDecay : alphaT * (oneMinusDecay / (-2.0 * h) + 1.0);
            }

            // D1 = (m0 − m1)/r0, folded into the coefficients of m0 and m1.
            double m0Coeff = d0Coeff + d1Coeff / r0;
            double m1Coeff = -d1Coeff / r0;
            if (fresh == null)
            {
                SpanMath.Combine(sample.Span, (float)sampleCoeff, m0.Span, (float)m0Coeff, m1.Span, (float)m1Coeff, prevSample.Span);
            }
            else
            {
                double noiseCoeff = sigmaT * Math.Sqrt(1.0 - Math.Exp(-2.0 * h));
                SpanMath.Combine(sample.Span, (float)sampleCoeff, m0.Span, (float)m0Coeff, m1.Span, (float)m1Coeff, fresh.Span, (float)noiseCoeff, prevSample.Span);
            }
        }

        private static double Lambda(double alpha, double sigma) => Math.Log(alpha) - Math.Log(sigma);

        private static void AlphaSigma(double sigma, out double alphaT, out double sigmaT)
        {
            alphaT = 1 / Math.Sqrt(sigma * sigma + 1);
            sigmaT = sigma * alphaT;
        }

        private static double[] BetasFor(DPMSolverMultistepSchedulerConfig config)
        {
            config.ValidateCommon();
            if (config.SolverOrder < 1 || config.SolverOrder > 2)
            {
                throw config.Unsupported("solver_order", config.SolverOrder.ToString(System.Globalization.CultureInfo.InvariantCulture), "1 or 2 (DPM-Solver++ 1S/2M)");
            }

            double[] betas = NoiseSchedules.Betas(config);
            return config.RescaleBetasZeroSnr ? NoiseSchedules.RescaleZeroTerminalSnr(betas) : betas;
        }
    }
}
