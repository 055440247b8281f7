#nullable enable
using System;
using System.Threading;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines.Guidance;
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
            ValidateAutoguidance(options, width, height);
            Guider guider = GuiderFor(options, info);
            int count = options.Count;
            int? label = options.ClassLabel;
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
            SpanMath.Scale(latents.Span, scheduler.InitNoiseSigma, latents.Span);
            LatentRoll? roll = options.TileByRolling ? new LatentRoll(options.Seed ^ RollSeedSalt, height, width) : null;
            var prediction = new GuidedPrediction(guider, _denoiser, _guide, latents, null,
                (input, withUnconditional) => input.ClassLabels = Labels(input.Sample.Batch, count, label, info.UnconditionalClass), roll);
            DenoisingLoop.Run(scheduler, scheduler.Timesteps, latents, guider, prediction, stepNoise, null, onStep, cancellation);
            return latents;
        }

        /// <summary>
        /// The guider for <paramref name="options"/>: autoguidance when its scale is not 1; classifier-free guidance when a
        /// class is asked of a model with a "no class" embedding at a scale other than 1; else none. Either guides within
        /// the options' interval.
        /// </summary>
        internal static Guider GuiderFor(GenerationOptions options, DenoiserInfo info) =>
            options.AutoguidanceScale != 1f ? new Autoguidance(options.AutoguidanceScale, options.GuidanceInterval)
            : info.UnconditionalClass.HasValue && options.ClassLabel.HasValue && options.GuidanceScale != 1f ? new ClassifierFreeGuidance(options.GuidanceScale, options.GuidanceInterval)
            : NoGuidance.Instance;

        /// <summary>One class per row: the class for the conditional rows, the "no class" embedding for the rows after them; null without a class.</summary>
        private static int[]? Labels(int rows, int count, int? label, int? unconditional)
        {
            if (!label.HasValue)
            {
                return null;
            }

            var labels = new int[rows];
            for (int i = 0; i < rows; i++)
            {
                labels[i] = i < count ? label.Value : unconditional!.Value;
            }

            return labels;
        }

        private void ValidateAutoguidance(GenerationOptions options, int width, int height)
        {
            if (options.AutoguidanceScale == 1f)
            {
                return;
            }

            if (_guide == null)
            {
                throw new ArgumentException($"Autoguidance scale {options.AutoguidanceScale} needs a guide model: create the pipeline with one, or use scale 1.", nameof(options));
            }

            if (options.GuidanceScale != 1f && options.ClassLabel.HasValue)
            {
                throw new ArgumentException($"Autoguidance ({options.AutoguidanceScale}) and classifier-free guidance ({options.GuidanceScale}) were both asked for; use one (the other at 1).", nameof(options));
            }

            if (width % _guide.Info.SizeMultiple != 0 || height % _guide.Info.SizeMultiple != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Size {width}x{height} must be a multiple of {_guide.Info.SizeMultiple} for the guide {_guide.Info.Name}.");
            }
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
