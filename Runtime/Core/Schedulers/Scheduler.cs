#nullable enable
using System;
using System.Collections.Generic;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// A diffusion sampler: pure math that turns the model's output at one timestep into the sample at the next.
    /// The surface mirrors diffusers' schedulers: <see cref="Order"/>, <see cref="InitNoiseSigma"/>,
    /// <see cref="Timesteps"/>, <see cref="SetTimesteps(int)"/>, <see cref="ScaleModelInput"/>, <see cref="Step"/>
    /// and <see cref="AddNoise"/>. A scheduler is stateful (multistep solvers remember earlier outputs) and not
    /// thread-safe; call <see cref="SetTimesteps(int)"/> before each generation. Steps write into caller-provided
    /// buffers and allocate nothing once the first step for a given shape has run.
    /// </summary>
    public abstract class Scheduler
    {
        private readonly double[] _alphasCumprod;
        private float[] _timesteps = System.Array.Empty<float>();
        private IReadOnlyList<float> _timestepView = System.Array.Empty<float>();
        private TensorBuffer? _noise;
        private float[]? _thresholdScratch;

        private protected Scheduler(SchedulerConfig config, double[] betas)
        {
            Config = config;
            Betas = betas;
            _alphasCumprod = NoiseSchedules.AlphasCumprod(betas);
        }

        /// <summary>The configuration this scheduler was created from.</summary>
        public SchedulerConfig Config { get; }

        /// <summary>The diffusers class name, e.g. <c>EulerDiscreteScheduler</c>.</summary>
        public string Name => Config.ClassName;

        /// <summary>Model evaluations per <see cref="Step"/> call (1 for every scheduler here; diffusers' <c>order</c>).</summary>
        public virtual int Order => 1;

        /// <summary>Multiply unit Gaussian noise by this to get the initial latents (σ_max-based for Euler-type schedulers).</summary>
        public virtual float InitNoiseSigma => 1f;

        /// <summary>β per training timestep.</summary>
        public IReadOnlyList<double> Betas { get; }

        /// <summary>ᾱ per training timestep.</summary>
        public IReadOnlyList<double> AlphasCumprod => _alphasCumprod;

        /// <summary>
        /// The timesteps to run, noisiest first, after <see cref="SetTimesteps(int)"/>; with a strength below 1 (image-to-image)
        /// only the tail that remains. Feed each to the model and to <see cref="Step"/> in order.
        /// </summary>
        public IReadOnlyList<float> Timesteps => _timestepView;

        /// <summary>The number of inference steps of the full schedule set by the last <see cref="SetTimesteps(int)"/>, or 0.</summary>
        public int NumInferenceSteps { get; private set; }

        /// <summary>The index into the full schedule where this run begins (non-zero for image-to-image).</summary>
        public int BeginIndex { get; private set; }

        /// <summary>Index of the step the next <see cref="Step"/> call performs in the full schedule, or -1 before the first.</summary>
        public int StepIndex { get; private protected set; } = -1;

        /// <summary>The full schedule of timesteps, before any strength cut.</summary>
        private protected float[] AllTimesteps => _timesteps;

        /// <summary>ᾱ as an array for the derived schedulers.</summary>
        private protected double[] Alphas => _alphasCumprod;

        /// <summary>Sets up a fresh schedule of <paramref name="numInferenceSteps"/> steps and clears all solver state.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The step count is below 1 or above what the schedule allows.</exception>
        public void SetTimesteps(int numInferenceSteps) => SetTimesteps(numInferenceSteps, 1.0);

        /// <summary>
        /// Sets up a schedule for image-to-image: of <paramref name="numInferenceSteps"/> steps, only the last
        /// ⌊n·strength⌋ run (diffusers' <c>get_timesteps</c>), starting from an image noised to <c>Timesteps[0]</c>
        /// with <see cref="AddNoise"/>. Strength 1 runs the whole schedule; strength 0 runs no step.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The step count or strength is out of range.</exception>
        public void SetTimesteps(int numInferenceSteps, double strength)
        {
            if (numInferenceSteps < MinInferenceSteps || numInferenceSteps > MaxInferenceSteps)
            {
                throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                    $"{Name} supports between {MinInferenceSteps} and {MaxInferenceSteps} inference steps with this configuration (num_train_timesteps = {Config.NumTrainTimesteps}).");
            }

            if (!(strength >= 0 && strength <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must be in [0, 1] (1 = start from pure noise).");
            }

            _timesteps = BuildTimesteps(numInferenceSteps, strength);
            NumInferenceSteps = numInferenceSteps;
            int init = Math.Min((int)(numInferenceSteps * strength), numInferenceSteps);
            int start = UsesStrengthInSchedule ? 0 : Math.Max(numInferenceSteps - init, 0) * Order;
            BeginIndex = init == 0 ? _timesteps.Length : Math.Min(start, _timesteps.Length);
            _timestepView = new ArraySegment<float>(_timesteps, BeginIndex, _timesteps.Length - BeginIndex);
            StepIndex = -1;
            ResetState();
        }

        /// <summary>
        /// Scales the denoising model input by the noise level when the sampler needs it (Euler-type: x / √(σ² + 1));
        /// otherwise copies. <paramref name="destination"/> may be <paramref name="sample"/>.
        /// </summary>
        public virtual void ScaleModelInput(TensorBuffer sample, float timestep, TensorBuffer destination)
        {
            destination.RequireShapeOf(sample, nameof(sample), nameof(destination));
            if (!ReferenceEquals(sample, destination))
            {
                sample.CopyTo(destination);
            }
        }

        /// <summary>
        /// Advances one step: from the model's output at <paramref name="timestep"/> and the current
        /// <paramref name="sample"/> x_t, writes the previous sample x_{t−1} into <paramref name="prevSample"/> and the
        /// current estimate of the clean sample x₀ into <paramref name="predictedOriginal"/>.
        /// </summary>
        /// <param name="modelOutput">The model's prediction (ε, v or x₀ per the configuration), same shape as the sample.</param>
        /// <param name="timestep">The timestep the model was evaluated at: the next value of <see cref="Timesteps"/>.</param>
        /// <param name="sample">x_t.</param>
        /// <param name="prevSample">Receives x_{t−1}; may be the same buffer as <paramref name="sample"/>.</param>
        /// <param name="predictedOriginal">Receives the predicted x₀; must be distinct from the other buffers.</param>
        /// <param name="noise">Source of fresh noise for stochastic samplers (DDPM, Euler ancestral, LCM, DDIM with η &gt; 0); may be null for the others.</param>
        /// <exception cref="InvalidOperationException"><see cref="SetTimesteps(int)"/> was not called, the schedule is exhausted, or a stochastic step has no noise source.</exception>
        /// <exception cref="ArgumentException">Buffer shapes differ or buffers alias where they must not.</exception>
        public void Step(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise = null)
        {
            if (_timesteps.Length == 0)
            {
                throw new InvalidOperationException($"{Name}.Step was called before SetTimesteps: call SetTimesteps(numInferenceSteps) first.");
            }

            sample.RequireShapeOf(modelOutput, nameof(modelOutput), nameof(sample));
            sample.RequireShapeOf(prevSample, nameof(prevSample), nameof(sample));
            sample.RequireShapeOf(predictedOriginal, nameof(predictedOriginal), nameof(sample));
            if (ReferenceEquals(predictedOriginal, sample) || ReferenceEquals(predictedOriginal, prevSample) || ReferenceEquals(predictedOriginal, modelOutput))
            {
                throw new ArgumentException("predictedOriginal must be a buffer of its own (not the sample, prevSample or modelOutput).", nameof(predictedOriginal));
            }

            if (StepIndex < 0)
            {
                StepIndex = InitialStepIndex(timestep);
            }

            if (StepIndex >= _timesteps.Length)
            {
                throw new InvalidOperationException($"{Name}.Step was called {StepIndex + 1} times but the schedule has {_timesteps.Length} steps; call SetTimesteps again to start a new generation.");
            }

            StepCore(modelOutput, timestep, sample, prevSample, predictedOriginal, noise);
            StepIndex++;
        }

        /// <summary>
        /// Noises a clean sample to the level of <paramref name="timestep"/>: destination = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε for
        /// ᾱ-parameterised schedulers, x₀ + σ·ε for σ-parameterised ones. <paramref name="destination"/> may alias an input.
        /// </summary>
        /// <exception cref="ArgumentException">Shapes differ or the timestep is outside the training range.</exception>
        public virtual void AddNoise(TensorBuffer original, TensorBuffer noise, float timestep, TensorBuffer destination)
        {
            original.RequireShapeOf(noise, nameof(noise), nameof(original));
            original.RequireShapeOf(destination, nameof(destination), nameof(original));
            double alphaProd = AlphaProdAt(timestep);
            SpanMath.Combine(original.Span, (float)Math.Sqrt(alphaProd), noise.Span, (float)Math.Sqrt(1 - alphaProd), destination.Span);
        }

        /// <summary>The smallest step count this scheduler's configuration allows.</summary>
        private protected virtual int MinInferenceSteps => 1;

        /// <summary>The largest step count this scheduler's configuration allows.</summary>
        private protected virtual int MaxInferenceSteps => Config.NumTrainTimesteps;

        /// <summary>True when <see cref="BuildTimesteps"/> already applies the strength (LCM), so no tail cut is needed.</summary>
        private protected virtual bool UsesStrengthInSchedule => false;

        /// <summary>Builds the full timestep schedule for <paramref name="numInferenceSteps"/> steps.</summary>
        private protected abstract float[] BuildTimesteps(int numInferenceSteps, double strength);

        /// <summary>Clears multistep state after a new schedule is set.</summary>
        private protected virtual void ResetState()
        {
        }

        /// <summary>Performs the step at <see cref="StepIndex"/>; arguments are already validated.</summary>
        private protected abstract void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise);

        /// <summary>
        /// The step index for the first call: the begin index when the caller starts where <see cref="Timesteps"/>
        /// starts (a schedule can begin with a repeated timestep, e.g. Karras σs on a cosine schedule, so the value alone
        /// is ambiguous), else the index of the timestep.
        /// </summary>
        private protected virtual int InitialStepIndex(float timestep) =>
            BeginIndex > 0 || (BeginIndex < _timesteps.Length && _timesteps[BeginIndex] == timestep) ? BeginIndex : IndexForTimestep(timestep);

        /// <summary>
        /// The index of <paramref name="timestep"/> in the full schedule; the second match where it occurs twice (as
        /// diffusers does, so that image-to-image does not skip a σ).
        /// </summary>
        /// <exception cref="ArgumentException">The timestep is not in the schedule.</exception>
        private protected int IndexForTimestep(float timestep)
        {
            int first = -1;
            for (int i = 0; i < _timesteps.Length; i++)
            {
                if (_timesteps[i] == timestep)
                {
                    if (first >= 0)
                    {
                        return i;
                    }

                    first = i;
                }
            }

            if (first < 0)
            {
                throw new ArgumentException($"Timestep {timestep} is not in {Name}'s schedule; pass the values of Timesteps in order.", nameof(timestep));
            }

            return first;
        }

        /// <summary>
        /// σ per training timestep for the σ-parameterised schedulers. Zero terminal SNR (ᾱ_T = 0) would make the last
        /// σ infinite; as diffusers does, ᾱ_T is set to 2^-24 first.
        /// </summary>
        private protected double[] FiniteTrainingSigmas()
        {
            if (_alphasCumprod[_alphasCumprod.Length - 1] == 0)
            {
                _alphasCumprod[_alphasCumprod.Length - 1] = 1.0 / 16777216.0;
            }

            return NoiseSchedules.Sigmas(_alphasCumprod);
        }

        /// <summary>ᾱ at an integer training timestep; throws for a timestep outside [0, T).</summary>
        private protected double AlphaProdAt(float timestep)
        {
            int t = (int)Math.Round(timestep);
            if (t < 0 || t >= _alphasCumprod.Length)
            {
                throw new ArgumentException($"Timestep {timestep} is outside the training range [0, {_alphasCumprod.Length - 1}] of {Name}.", nameof(timestep));
            }

            return _alphasCumprod[t];
        }

        /// <summary>A scratch buffer for fresh noise, allocated once per shape.</summary>
        private protected TensorBuffer DrawNoise(TensorBuffer like, INoiseSource? noise)
        {
            if (noise == null)
            {
                throw new InvalidOperationException($"{Name} draws fresh noise in this step: pass a noise source to Step (a NoiseGenerator, or PerImageNoise for a batch).");
            }

            if (_noise == null || !_noise.HasShapeOf(like))
            {
                _noise = like.CreateLike();
            }

            noise.FillGaussian(_noise.Span);
            return _noise;
        }

        /// <summary>
        /// x₀ from the model output under an ᾱ parameterisation, for the configured prediction type:
        /// ε: (x − √(1−ᾱ)·ε)/√ᾱ; v: √ᾱ·x − √(1−ᾱ)·v; sample: the output itself.
        /// </summary>
        private protected void PredictOriginal(TensorBuffer modelOutput, TensorBuffer sample, double alphaProd, TensorBuffer destination)
        {
            double beta = 1 - alphaProd;
            switch (Config.PredictionType)
            {
                case PredictionType.Epsilon:
                    SpanMath.Combine(sample.Span, (float)(1 / Math.Sqrt(alphaProd)), modelOutput.Span, (float)(-Math.Sqrt(beta) / Math.Sqrt(alphaProd)), destination.Span);
                    break;
                case PredictionType.VPrediction:
                    SpanMath.Combine(sample.Span, (float)Math.Sqrt(alphaProd), modelOutput.Span, (float)-Math.Sqrt(beta), destination.Span);
                    break;
                default:
                    modelOutput.Span.CopyTo(destination.Span);
                    break;
            }
        }

        /// <summary>
        /// The x₀ post-processing of diffusers' DDPM/DDIM/LCM: dynamic thresholding when enabled, else clamping to
        /// ±clip_sample_range when clip_sample is set, else nothing.
        /// </summary>
        private protected void ClipPredictedOriginal(TensorBuffer x0, ClippingSchedulerConfig config)
        {
            if (config.Thresholding)
            {
                ApplyDynamicThreshold(x0, config.DynamicThresholdingRatio, config.SampleMaxValue);
            }
            else if (config.ClipSample)
            {
                SpanMath.Clamp(x0.Span, (float)-config.ClipSampleRange, (float)config.ClipSampleRange, x0.Span);
            }
        }

        /// <summary>
        /// Dynamic thresholding (Saharia et al. 2022, "Imagen", section 2.3): per batch item, s = the
        /// <paramref name="ratio"/> quantile of |x₀| clamped to [1, <paramref name="maxValue"/>]; x₀ ← clamp(x₀, −s, s)/s.
        /// </summary>
        private protected void ApplyDynamicThreshold(TensorBuffer x0, double ratio, double maxValue)
        {
            int n = x0.ItemLength;
            if (_thresholdScratch == null || _thresholdScratch.Length != n)
            {
                _thresholdScratch = new float[n];
            }

            for (int b = 0; b < x0.Batch; b++)
            {
                Span<float> item = x0.Item(b);
                for (int i = 0; i < n; i++)
                {
                    _thresholdScratch[i] = Math.Abs(item[i]);
                }

                System.Array.Sort(_thresholdScratch);
                // torch.quantile, linear interpolation between the two closest ranks.
                double position = ratio * (n - 1);
                int lower = (int)Math.Floor(position);
                int upper = Math.Min(lower + 1, n - 1);
                double s = _thresholdScratch[lower] + (position - lower) * (_thresholdScratch[upper] - _thresholdScratch[lower]);
                s = Math.Min(Math.Max(s, 1.0), maxValue);
                SpanMath.Clamp(item, (float)-s, (float)s, item);
                SpanMath.Scale(item, (float)(1 / s), item);
            }
        }
    }
}
