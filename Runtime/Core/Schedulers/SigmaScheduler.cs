#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Shared machinery of the σ-parameterised (k-diffusion style) schedulers: x_t = x₀ + σ_t·ε, model inputs
    /// scaled by 1/√(σ² + 1), σ per step in <see cref="Sigmas"/> with a final σ appended.
    /// </summary>
    public abstract class SigmaScheduler : Scheduler
    {
        private double[] _sigmas = System.Array.Empty<double>();

        private protected SigmaScheduler(SchedulerConfig config, double[] betas)
            : base(config, betas)
        {
            TrainingSigmas = FiniteTrainingSigmas();
        }

        /// <summary>σ per step of the current schedule, plus the final σ (length = steps + 1).</summary>
        public ReadOnlySpan<double> Sigmas => _sigmas;

        /// <inheritdoc />
        public override float InitNoiseSigma
        {
            get
            {
                double max = 0;
                foreach (double s in _sigmas.Length > 0 ? _sigmas : TrainingSigmas)
                {
                    max = Math.Max(max, s);
                }

                return Config.TimestepSpacing == TimestepSpacing.Leading ? (float)Math.Sqrt(max * max + 1) : (float)max;
            }
        }

        /// <summary>σ per training timestep, ascending in t.</summary>
        private protected double[] TrainingSigmas { get; }

        /// <summary>The σ of the current step (after the first step index is known).</summary>
        private protected double CurrentSigma => _sigmas[StepIndex];

        /// <summary>The σ the current step moves to.</summary>
        private protected double NextSigma => _sigmas[StepIndex + 1];

        /// <summary>Divides the sample by √(σ² + 1) for the step's σ; <paramref name="destination"/> may be <paramref name="sample"/>.</summary>
        public override void ScaleModelInput(TensorBuffer sample, float timestep, TensorBuffer destination)
        {
            destination.RequireShapeOf(sample, nameof(sample), nameof(destination));
            if (_sigmas.Length == 0)
            {
                throw new InvalidOperationException($"{Name}.ScaleModelInput was called before SetTimesteps: call SetTimesteps(numInferenceSteps) first.");
            }

            if (StepIndex < 0)
            {
                StepIndex = InitialStepIndex(timestep);
            }

            double sigma = _sigmas[StepIndex];
            SpanMath.Scale(sample.Span, (float)(1 / Math.Sqrt(sigma * sigma + 1)), destination.Span);
        }

        /// <summary>destination = x₀ + σ·ε with σ of <paramref name="timestep"/> in the current schedule.</summary>
        public override void AddNoise(TensorBuffer original, TensorBuffer noise, float timestep, TensorBuffer destination)
        {
            original.RequireShapeOf(noise, nameof(noise), nameof(original));
            original.RequireShapeOf(destination, nameof(destination), nameof(original));
            if (_sigmas.Length == 0)
            {
                throw new InvalidOperationException($"{Name}.AddNoise needs the schedule: call SetTimesteps first.");
            }

            int index = InitialStepIndex(timestep);
            SpanMath.Combine(original.Span, 1f, noise.Span, (float)_sigmas[index], destination.Span);
        }

        /// <summary>Builds σ for each timestep of the schedule and returns the timesteps; sets <see cref="Sigmas"/>.</summary>
        private protected void SetSigmas(double[] sigmasWithFinal) => _sigmas = sigmasWithFinal;

        /// <summary>
        /// x₀ under the σ parameterisation: ε: x − σ·ε; v: −σ/√(σ²+1)·v + x/(σ²+1); sample: the output itself.
        /// </summary>
        private protected void PredictOriginalFromSigma(TensorBuffer modelOutput, TensorBuffer sample, double sigma, TensorBuffer destination)
        {
            switch (Config.PredictionType)
            {
                case PredictionType.Epsilon:
                    SpanMath.Combine(sample.Span, 1f, modelOutput.Span, (float)-sigma, destination.Span);
                    break;
                case PredictionType.VPrediction:
                    SpanMath.Combine(modelOutput.Span, (float)(-sigma / Math.Sqrt(sigma * sigma + 1)), sample.Span, (float)(1 / (sigma * sigma + 1)), destination.Span);
                    break;
                default:
                    modelOutput.Span.CopyTo(destination.Span);
                    break;
            }
        }

        /// <summary>
        /// The float timesteps of Euler-type schedulers (diffusers' EulerDiscreteScheduler.set_timesteps) for the
        /// given spacing, noisiest first.
        /// </summary>
        private protected float[] EulerTimesteps(int n)
        {
            int trainSteps = Config.NumTrainTimesteps;
            var timesteps = new float[n];
            switch (Config.TimestepSpacing)
            {
                case TimestepSpacing.Linspace:
                    for (int i = 0; i < n; i++)
                    {
                        // np.linspace(0, T-1, n, dtype=float32)[::-1]
                        timesteps[n - 1 - i] = (float)NoiseSchedules.Linspace(0, trainSteps - 1, n, i);
                    }

                    break;
                case TimestepSpacing.Leading:
                    int ratio = trainSteps / n;
                    for (int i = 0; i < n; i++)
                    {
                        timesteps[n - 1 - i] = i * ratio + Config.StepsOffset;
                    }

                    break;
                default:
                    double step = (double)trainSteps / n;
                    for (int i = 0; i < n; i++)
                    {
                        timesteps[i] = (float)(NoiseSchedules.RoundHalfEven(trainSteps - i * step) - 1);
                    }

                    break;
            }

            return timesteps;
        }
    }
}
