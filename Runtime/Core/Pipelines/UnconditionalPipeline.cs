using System;
using System.Diagnostics;
using System.Linq;
using System.Numerics.Tensors;
using System.Threading;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Generates images from a pixel-space denoiser (our own UNet2D models) with any scheduler: unconditional, or
    /// class-conditional with classifier-free guidance (the conditional and "no class" branches run as one batch),
    /// or guided by a weaker version of the model (autoguidance), at every step or within a guidance interval.
    /// Buffers are allocated per generation; the step loop allocates nothing. Not thread-safe.
    /// </summary>
    public sealed class UnconditionalPipeline
    {
        private const ulong RollSeedSalt = 0x5DEECE66DUL;

        private readonly IDenoiser _denoiser;
        private readonly IDenoiser? _guide;

        /// <summary>
        /// Creates the pipeline over a denoiser and a scheduler, and optionally a guide: a weaker model of the same kind
        /// (smaller, trained for less long) for autoguidance (Karras et al. 2024, "Guiding a diffusion model with a bad
        /// version of itself"): <see cref="GenerationOptions.AutoguidanceScale"/> w gives guide + w · (model − guide),
        /// both models conditioned on the same class.
        /// </summary>
        /// <exception cref="ArgumentException">The guide does not take and give what the model does.</exception>
        public UnconditionalPipeline(IDenoiser denoiser, Scheduler scheduler, IDenoiser? guide = null)
        {
            _denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser));
            Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
            if (guide != null)
            {
                CheckGuide(denoiser.Info, guide.Info);
            }

            _guide = guide;
        }

        /// <summary>The scheduler; it may be replaced between generations.</summary>
        public Scheduler Scheduler { get; set; }

        /// <summary>
        /// Runs the denoising loop and returns the images, NCHW in the model's range ([-1, 1] for our models).
        /// <paramref name="onStep"/> sees every step's x_t and predicted x0; <paramref name="cancellation"/> is
        /// checked before every step.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public TensorBuffer Generate(GenerationOptions options, Action<DenoisingStep>? onStep = null, CancellationToken cancellation = default)
        {
            DenoiserInfo info = _denoiser.Info;
            int width = options.Width == 0 ? info.SampleSize : options.Width;
            int height = options.Height == 0 ? info.SampleSize : options.Height;
            Validate(options, info, width, height);
            bool autoguided = options.AutoguidanceScale != 1f;
            if (autoguided && _guide == null)
            {
                throw new ArgumentException($"Autoguidance scale {options.AutoguidanceScale} needs a guide model: create the pipeline with one, or use scale 1.", nameof(options));
            }

            if (autoguided && options.GuidanceScale != 1f && options.ClassLabel.HasValue)
            {
                throw new ArgumentException($"Autoguidance ({options.AutoguidanceScale}) and classifier-free guidance ({options.GuidanceScale}) were both asked for; use one (the other at 1).", nameof(options));
            }

            if (autoguided && (width % _guide!.Info.SizeMultiple != 0 || height % _guide.Info.SizeMultiple != 0))
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Size {width}x{height} must be a multiple of {_guide.Info.SizeMultiple} for the guide {_guide.Info.Name}.");
            }

            int count = options.Count;
            int? label = options.ClassLabel;
            bool guided = info.UnconditionalClass.HasValue && label.HasValue && options.GuidanceScale != 1f;
            if (info.ClassCount > 0 && !label.HasValue)
            {
                // A class-conditional model asked for no class: use its "no class" embedding (what CFG trains it for).
                label = info.UnconditionalClass ?? throw new ArgumentException(
                    $"This model is class-conditional with {info.ClassCount} classes and no 'no class' embedding: choose a class.", nameof(options));
            }

            var latents = new TensorBuffer(count, info.InChannels, height, width);
            PerImageNoise.ForImages(options.Seed, count).FillGaussian(latents.Span);

            // Each image draws its step noise from a stream of its own, so stochastic schedulers reproduce it alone too.
            var stepNoise = PerImageNoise.ForSteps(options.Seed, count);
            Scheduler scheduler = Scheduler;
            scheduler.SetTimesteps(options.Steps);
            TensorPrimitives.Multiply(latents.Span, scheduler.InitNoiseSigma, latents.Span);

            int modelBatch = guided ? 2 * count : count;
            var modelInput = new TensorBuffer(modelBatch, info.InChannels, height, width);
            var modelOutput = new TensorBuffer(modelBatch, info.OutChannels, height, width);
            var guideOutput = autoguided ? new TensorBuffer(count, info.OutChannels, height, width) : null;
            var guidedOutput = guided ? new TensorBuffer(count, info.OutChannels, height, width) : modelOutput;
            var predictedOriginal = latents.CreateLike();
            var scaled = guided ? latents.CreateLike() : modelInput;
            var input = new DenoiserInput(modelInput);
            if (label.HasValue)
            {
                input.ClassLabels = new int[modelBatch];
                for (int i = 0; i < modelBatch; i++)
                {
                    input.ClassLabels[i] = i < count ? label.Value : info.UnconditionalClass!.Value;
                }
            }

            // Outside a guidance interval classifier-free guidance runs the conditional branch alone, at half the batch.
            DenoiserInput? conditionalOnly = guided && options.GuidanceInterval.HasValue
                ? new DenoiserInput(scaled) { ClassLabels = Enumerable.Repeat(label!.Value, count).ToArray() }
                : null;
            LatentRoll? roll = options.TileByRolling ? new LatentRoll(options.Seed ^ RollSeedSalt, height, width) : null;
            var step = new DenoisingStep(latents, predictedOriginal) { Count = scheduler.Timesteps.Count };
            var clock = Stopwatch.StartNew();
            int half = latents.Length;
            for (int index = 0; index < scheduler.Timesteps.Count; index++)
            {
                cancellation.ThrowIfCancellationRequested();
                long started = clock.ElapsedTicks;
                float t = scheduler.Timesteps[index];
                scheduler.ScaleModelInput(latents, t, scaled);
                bool inInterval = options.GuidanceInterval is not { } interval || (t >= interval.Low && t <= interval.High);
                if (guided && !inInterval)
                {
                    roll?.Forward(scaled);
                    conditionalOnly!.Timestep = t;
                    _denoiser.Predict(conditionalOnly, guidedOutput);
                    roll?.Back(guidedOutput);
                }
                else
                {
                    if (guided)
                    {
                        scaled.Span.CopyTo(modelInput.Span.Slice(0, half));
                        scaled.Span.CopyTo(modelInput.Span.Slice(half, half));
                    }

                    roll?.Forward(modelInput);
                    input.Timestep = t;
                    _denoiser.Predict(input, modelOutput);
                    roll?.Back(modelOutput);
                    if (guided)
                    {
                        ClassifierFreeGuidance.Combine(modelOutput, options.GuidanceScale, guidedOutput);
                    }
                    else if (guideOutput != null && inInterval)
                    {
                        _guide!.Predict(input, guideOutput);
                        roll?.Back(guideOutput);
                        ClassifierFreeGuidance.Combine(modelOutput.Span, guideOutput.Span, options.AutoguidanceScale, modelOutput.Span);
                    }
                }

                scheduler.Step(guidedOutput, t, latents, latents, predictedOriginal, stepNoise);
                onStep?.Invoke(step.Report(index, t, clock, started));
            }

            return latents;
        }

        private static void CheckGuide(DenoiserInfo model, DenoiserInfo guide)
        {
            string? mismatch =
                guide.InChannels != model.InChannels || guide.OutChannels != model.OutChannels ? $"{guide.InChannels} -> {guide.OutChannels} channels against the model's {model.InChannels} -> {model.OutChannels}"
                : guide.PredictionType != model.PredictionType ? $"{guide.PredictionType} prediction against the model's {model.PredictionType}"
                : guide.ClassCount != model.ClassCount ? $"{guide.ClassCount} classes against the model's {model.ClassCount}"
                : guide.UnconditionalClass != model.UnconditionalClass ? $"'no class' embedding {guide.UnconditionalClass?.ToString() ?? "none"} against the model's {model.UnconditionalClass?.ToString() ?? "none"}"
                : guide.Tileable != model.Tileable ? (guide.Tileable ? "circular padding against the model's zeros" : "zero padding against the model's circular")
                : null;
            if (mismatch != null)
            {
                throw new ArgumentException($"The guide {guide.Name} cannot guide {model.Name}: {mismatch}. A guide is a weaker model trained on the same data the same way (same channels, prediction type, classes and padding).", "guide");
            }
        }

        private static void Validate(GenerationOptions options, DenoiserInfo info, int width, int height)
        {
            if (options.Count < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Count is {options.Count}; generate at least one image.");
            }

            if (options.Steps < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Steps is {options.Steps}; use at least 1.");
            }

            if (width % info.SizeMultiple != 0 || height % info.SizeMultiple != 0 || width <= 0 || height <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Size {width}x{height} must be a positive multiple of {info.SizeMultiple} for this model.");
            }

            if (options.ClassLabel.HasValue && (options.ClassLabel.Value < 0 || options.ClassLabel.Value >= info.ClassCount))
            {
                throw new ArgumentOutOfRangeException(nameof(options), info.ClassCount == 0
                    ? "This model is unconditional; do not pass a class."
                    : $"Class {options.ClassLabel} is outside [0, {info.ClassCount}).");
            }

            if (options.GuidanceScale != 1f && options.ClassLabel.HasValue && !info.UnconditionalClass.HasValue)
            {
                throw new ArgumentException("Guidance needs a model trained with label dropout (a 'no class' embedding); this one has none. Use guidance 1.", nameof(options));
            }
        }
    }
}
