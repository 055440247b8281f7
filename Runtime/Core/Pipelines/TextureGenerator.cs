#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Texture generation with a pixel-space model folder, the way an engine script calls it: pick a class, a seed and
    /// a size, get 8-bit images and the recipe that reproduces them. The denoiser can be any backend.
    /// </summary>
    public sealed class TextureGenerator : IDisposable
    {
        /// <summary>Recipe setting: how many textures were generated together (written when more than one).</summary>
        public const string BatchSizeSetting = "Batch size";

        /// <summary>Recipe setting: the texture's 0-based place in its batch (written with <see cref="BatchSizeSetting"/>).</summary>
        public const string BatchPositionSetting = "Batch pos";

        /// <summary>The largest batch a recipe may ask to regenerate (a bound on untrusted recipe text).</summary>
        public const int MaxRecipeBatch = 4096;

        private readonly IDenoiser _denoiser;
        private readonly IDenoiser? _guide;
        private readonly ModelFolder _folder;

        /// <summary>
        /// Creates a generator over an opened model folder and a denoiser that runs its UNet, and optionally one that runs
        /// its guide UNet for autoguidance (both owned: disposed with the generator).
        /// </summary>
        public TextureGenerator(ModelFolder folder, IDenoiser denoiser, IDenoiser? guide = null)
        {
            _folder = folder ?? throw new ArgumentNullException(nameof(folder));
            _denoiser = denoiser ?? throw new ArgumentNullException(nameof(denoiser));
            _guide = guide;
        }

        /// <summary>The model folder.</summary>
        public ModelFolder Model => _folder;

        /// <summary>The denoiser.</summary>
        public IDenoiser Denoiser => _denoiser;

        /// <summary>The guide UNet's denoiser, when the generator has one (autoguidance).</summary>
        public IDenoiser? Guide => _guide;

        /// <summary>The autoguidance scale the model folder recommends when the generator has a guide; otherwise 1 (off).</summary>
        public float RecommendedAutoguidanceScale => _guide != null ? _folder.AutoguidanceScale : 1f;

        /// <summary>The timesteps at which the model folder recommends autoguiding (with its scale); null: every step.</summary>
        public (float Low, float High)? RecommendedGuidanceInterval => _guide != null ? _folder.AutoguidanceInterval : null;

        /// <summary>
        /// The denoising steps the model folder recommends (model_index.json <c>_sampling_steps</c>: its guidance was tuned
        /// at that many), else <see cref="TextureRequest.DefaultSteps"/>.
        /// </summary>
        public int RecommendedSteps => _folder.SamplingSteps ?? TextureRequest.DefaultSteps;

        /// <summary>
        /// Textures per batch for long runs on this generator's backend: where per-texture time stops falling on a CPU
        /// while memory stays bounded (measured with <c>bench batch</c>, see the README); larger counts are split into
        /// batches of this size (<see cref="TextureRequest.InBatches"/>).
        /// </summary>
        public int RecommendedBatchSize => _denoiser.Info.Name.StartsWith("onnx", StringComparison.Ordinal) ? OnnxBatchSize : TorchBatchSize;

        /// <summary>The batch size <see cref="RecommendedBatchSize"/> gives on ONNX Runtime.</summary>
        public const int OnnxBatchSize = 16;

        /// <summary>The batch size <see cref="RecommendedBatchSize"/> gives on TorchSharp.</summary>
        public const int TorchBatchSize = 16;

        /// <summary>Class names of a class-conditional model (empty otherwise).</summary>
        public IReadOnlyList<string> ClassNames => _folder.UNet.ClassNames;

        /// <summary>
        /// The request the model folder recommends for <paramref name="count"/> textures of <paramref name="className"/>
        /// (null: unconditional) from <paramref name="seed"/>: its guidance (what <see cref="GuidanceChoice"/> decides
        /// when nothing is asked), its sampling steps unless <paramref name="steps"/> is given, the default scheduler
        /// unless <paramref name="scheduler"/> is given, and the default size. A host without options of its own (an
        /// engine's "Generate" button) uses it as it is.
        /// </summary>
        public TextureRequest RecommendedRequest(int count, ulong seed, string? className = null, int? steps = null, string? scheduler = null)
        {
            GuidanceChoice guidance = GuidanceChoice.Resolve(null, null, null, this, TextureRequest.DefaultGuidanceScale);
            return new TextureRequest
            {
                Count = count,
                Seed = seed,
                ClassName = className,
                Steps = steps ?? RecommendedSteps,
                Scheduler = scheduler ?? TextureRequest.DefaultScheduler,
                GuidanceScale = guidance.ClassifierFreeScale,
                AutoguidanceScale = guidance.AutoguidanceScale,
                GuidanceInterval = guidance.Interval,
            };
        }

        /// <summary>
        /// Everything wrong with <paramref name="request"/> for this model, found without generating: count below 1, steps
        /// outside 1 to <see cref="TextureRequest.MaxSteps"/>, a size that is not 0 (the model's) or a positive multiple the
        /// model (and, when autoguiding, its guide) accepts, a class the model does not have, an unknown scheduler,
        /// classifier-free guidance on a model without a "no class" embedding, autoguidance without a guide or together
        /// with classifier-free guidance.
        /// Empty when the request can run. Hosts show these before starting; <see cref="Generate"/> refuses them too.
        /// </summary>
        public IReadOnlyList<RequestProblem> Problems(TextureRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            var problems = new List<RequestProblem>();
            void Add(string setting, string message) => problems.Add(new RequestProblem(setting, message));
            if (request.Count < 1)
            {
                Add(nameof(TextureRequest.Count), $"{request.Count} textures: generate at least 1.");
            }

            if (request.Steps < 1 || request.Steps > TextureRequest.MaxSteps)
            {
                Add(nameof(TextureRequest.Steps), $"{request.Steps} is outside 1 to {TextureRequest.MaxSteps}; this model recommends {RecommendedSteps}.");
            }

            bool guided = _guide != null && request.AutoguidanceScale != 1f;
            int multiple = guided ? Lcm(_denoiser.Info.SizeMultiple, _guide!.Info.SizeMultiple) : _denoiser.Info.SizeMultiple;
            if (request.Size < 0 || request.Size % multiple != 0 || request.Size > TextureRequest.MaxSize)
            {
                Add(nameof(TextureRequest.Size), $"{request.Size} px: use 0 (the model's {_denoiser.Info.SampleSize} px) or a multiple of {multiple} up to {TextureRequest.MaxSize}.");
            }

            if (request.ClassName != null)
            {
                try
                {
                    _folder.UNet.ClassIndex(request.ClassName);
                }
                catch (ModelConfigException e)
                {
                    Add(nameof(TextureRequest.ClassName), e.Message);
                }
            }

            try
            {
                SchedulerRegistry.Resolve(request.Scheduler);
            }
            catch (SchedulerConfigException e)
            {
                Add(nameof(TextureRequest.Scheduler), e.Message);
            }

            AddGuidanceProblems(request, Add);
            return problems;
        }

        private void AddGuidanceProblems(TextureRequest request, Action<string, string> add)
        {
            bool classifierFree = request.GuidanceScale != 1f && request.ClassName != null;
            if (classifierFree && !_denoiser.Info.UnconditionalClass.HasValue)
            {
                add(nameof(TextureRequest.GuidanceScale), $"{request.GuidanceScale} needs a model trained with label dropout (a 'no class' embedding); this one has none. Use 1.");
            }

            if (request.AutoguidanceScale != 1f && _guide == null)
            {
                add(nameof(TextureRequest.AutoguidanceScale), $"{request.AutoguidanceScale} needs a guide UNet ({ModelFolder.GuideComponent}/), which this model folder has not; use 1.");
            }
            else if (request.AutoguidanceScale != 1f && classifierFree)
            {
                add(nameof(TextureRequest.AutoguidanceScale), $"{request.AutoguidanceScale} together with classifier-free guidance {request.GuidanceScale}: use one of them (the other at 1).");
            }
        }

        private static int Lcm(int a, int b)
        {
            int x = a, y = b;
            while (y != 0)
            {
                (x, y) = (y, x % y);
            }

            return a / x * b;
        }

        /// <summary>Generates textures; <paramref name="onStep"/> sees every denoising step.</summary>
        /// <exception cref="ArgumentException">The request has <see cref="Problems(TextureRequest)"/>; the message lists them all.</exception>
        public GeneratedTextures Generate(TextureRequest request, Action<DenoisingStep>? onStep = null, CancellationToken cancellation = default)
        {
            IReadOnlyList<RequestProblem> problems = Problems(request);
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", problems));
            }

            int? label = request.ClassName == null ? (int?)null : _folder.UNet.ClassIndex(request.ClassName);
            SchedulerConfig config = SchedulerRegistry.Configure(_folder.Scheduler, request.Scheduler);
            var pipeline = new UnconditionalPipeline(_denoiser, config.CreateScheduler(), _guide);
            TensorBuffer result = pipeline.Generate(
                new GenerationOptions
                {
                    Count = request.Count,
                    Seed = request.Seed,
                    Width = request.Size,
                    Height = request.Size,
                    Steps = request.Steps,
                    ClassLabel = label,
                    GuidanceScale = label.HasValue ? request.GuidanceScale : 1f,
                    AutoguidanceScale = request.AutoguidanceScale,
                    GuidanceInterval = request.GuidanceInterval,
                    TileByRolling = request.TileByRolling,
                },
                onStep,
                cancellation);

            var images = new RgbImage[result.Batch];
            var recipes = new string[result.Batch];
            for (int i = 0; i < result.Batch; i++)
            {
                images[i] = ImageConversion.ToImage(result, i);
                recipes[i] = Recipe(request, SchedulerRegistry.NameOf(config), request.Seed + (ulong)i, result.Width, result.Height, i);
            }

            return new GeneratedTextures(images, recipes, result);
        }

        /// <summary>
        /// Generates again the one texture <paramref name="recipe"/> describes. A texture made in a batch of several is
        /// made again in that same batch (its recipe records <c>Batch size</c> and <c>Batch pos</c>) and picked from it,
        /// since a backend's arithmetic may depend on the batch it runs in (libtorch's convolutions do on some CPUs): the
        /// result is the original bit for bit on the same machine with the same backend and thread count, at the cost of
        /// computing the whole batch. <paramref name="onStep"/> sees that batch's steps.
        /// </summary>
        /// <exception cref="FormatException">The recipe lacks a seed or has malformed values; the message names the setting.</exception>
        public GeneratedTextures Reproduce(GenerationRecipe recipe, Action<DenoisingStep>? onStep = null, CancellationToken cancellation = default)
        {
            TextureRequest request = RequestFromRecipe(recipe);
            int position = BatchPosition(recipe);
            GeneratedTextures batch = Generate(request, onStep, cancellation);
            TensorBuffer raw = batch.Raw;
            var one = new TensorBuffer(1, raw.Channels, raw.Height, raw.Width);
            raw.Item(position).CopyTo(one.Span);
            return new GeneratedTextures(new[] { batch.Images[position] }, new[] { batch.Recipes[position] }, one);
        }

        /// <summary>
        /// The recipe of the texture with <paramref name="seed"/> generated by <paramref name="request"/>, in the widely used
        /// <c>parameters</c> text form (see <see cref="GenerationRecipe"/>).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is not one of the request's seeds (Seed to Seed + Count − 1).</exception>
        public string Recipe(TextureRequest request, ulong seed, int width, int height)
        {
            if (seed < request.Seed || seed - request.Seed >= (ulong)request.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(seed), $"Seed {seed} is not one of the request's seeds ({request.Seed} to {request.Seed + (ulong)request.Count - 1}).");
            }

            return Recipe(request, SchedulerRegistry.NameOf(SchedulerRegistry.Configure(_folder.Scheduler, request.Scheduler)), seed, width, height, (int)(seed - request.Seed));
        }

        private string Recipe(TextureRequest request, string sampler, ulong seed, int width, int height, int position)
        {
            var settings = new List<KeyValuePair<string, string>>
            {
                Setting("Steps", request.Steps.ToString(CultureInfo.InvariantCulture)),
                Setting("Sampler", sampler),
                Setting("CFG scale", request.GuidanceScale.ToString("R", CultureInfo.InvariantCulture)),
            };
            if (request.AutoguidanceScale != 1f)
            {
                settings.Add(Setting("Autoguidance", request.AutoguidanceScale.ToString("R", CultureInfo.InvariantCulture)));
            }

            if (request.GuidanceInterval is { } interval && (request.AutoguidanceScale != 1f || request.GuidanceScale != 1f))
            {
                settings.Add(Setting("Guidance interval", GuidanceIntervals.Format(interval)));
            }

            settings.Add(Setting("Seed", seed.ToString(CultureInfo.InvariantCulture)));
            settings.Add(Setting("Size", width.ToString(CultureInfo.InvariantCulture) + "x" + height.ToString(CultureInfo.InvariantCulture)));
            settings.Add(Setting("Model", System.IO.Path.GetFileName(_folder.Path.TrimEnd('/', '\\'))));
            settings.Add(Setting("Class", request.ClassName ?? "none"));
            settings.Add(Setting("Tileable", _denoiser.Info.Tileable ? "yes" : request.TileByRolling ? "rolled" : "no"));
            if (request.Count > 1)
            {
                settings.Add(Setting(BatchSizeSetting, request.Count.ToString(CultureInfo.InvariantCulture)));
                settings.Add(Setting(BatchPositionSetting, position.ToString(CultureInfo.InvariantCulture)));
            }

            return new GenerationRecipe(request.ClassName ?? "texture", null, settings).Format();
        }

        /// <summary>
        /// The request that generates the batch the image a recipe describes was part of (seed, steps, sampler, guidance,
        /// size, class, and the batch's size and first seed); <see cref="BatchPosition"/> is the image's place in it, and
        /// <see cref="Reproduce"/> does both. A recipe without batch settings describes an image generated alone.
        /// </summary>
        /// <exception cref="FormatException">The recipe lacks a seed or has malformed values; the message names the setting.</exception>
        public static TextureRequest RequestFromRecipe(GenerationRecipe recipe)
        {
            long seed = recipe.GetInteger("Seed") ?? throw new FormatException("The recipe has no Seed; it cannot be reproduced.");
            int position = BatchPosition(recipe);
            int count = (int)(recipe.GetInteger(BatchSizeSetting) ?? 1);
            if (seed < position)
            {
                throw new FormatException($"Recipe Seed {seed} with {BatchPositionSetting} {position}: the batch would start before seed 0.");
            }

            string? cls = recipe["Class"];
            (int Width, int Height)? size = recipe.GetSize();
            if (size.HasValue && size.Value.Width != size.Value.Height)
            {
                throw new FormatException($"Recipe size {size.Value.Width}x{size.Value.Height}: texture models generate square images.");
            }

            return new TextureRequest
            {
                Count = count,
                Seed = (ulong)(seed - position),
                ClassName = cls == null || cls == "none" ? null : cls,
                Size = size?.Width ?? 0,
                Steps = (int)(recipe.GetInteger("Steps") ?? TextureRequest.DefaultSteps),
                Scheduler = recipe["Sampler"] ?? "ddim",
                GuidanceScale = (float)(recipe.GetNumber("CFG scale") ?? 1.0),
                AutoguidanceScale = (float)(recipe.GetNumber("Autoguidance") ?? 1.0),
                GuidanceInterval = recipe["Guidance interval"] is { } interval ? GuidanceIntervals.Parse(interval) : null,
                TileByRolling = string.Equals(recipe["Tileable"], "rolled", StringComparison.OrdinalIgnoreCase),
            };
        }

        /// <summary>
        /// The image's place (0-based) in the batch its recipe says it was generated in; 0 for an image generated alone.
        /// </summary>
        /// <exception cref="FormatException"><c>Batch size</c> and <c>Batch pos</c> are not both present, or out of range.</exception>
        public static int BatchPosition(GenerationRecipe recipe)
        {
            long? size = recipe.GetInteger(BatchSizeSetting);
            long? position = recipe.GetInteger(BatchPositionSetting);
            if (size == null && position == null)
            {
                return 0;
            }

            if (size == null || position == null)
            {
                throw new FormatException($"The recipe has {(size == null ? BatchPositionSetting : BatchSizeSetting)} without {(size == null ? BatchSizeSetting : BatchPositionSetting)}; both place an image in its batch.");
            }

            if (size < 1 || size > MaxRecipeBatch || position < 0 || position >= size)
            {
                throw new FormatException($"Recipe {BatchSizeSetting} {size} and {BatchPositionSetting} {position}: expected a size of 1 to {MaxRecipeBatch} and a position below it.");
            }

            return (int)position.Value;
        }

        private static KeyValuePair<string, string> Setting(string key, string value) => new KeyValuePair<string, string>(key, value);

        /// <inheritdoc />
        public void Dispose()
        {
            _denoiser.Dispose();
            _guide?.Dispose();
        }
    }

    /// <summary>Generated textures, their recipes, and the raw model output ([-1, 1], NCHW).</summary>
    public sealed record GeneratedTextures(IReadOnlyList<RgbImage> Images, IReadOnlyList<string> Recipes, TensorBuffer Raw);
}
