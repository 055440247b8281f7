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

        /// <summary>Class names of a class-conditional model (empty otherwise).</summary>
        public IReadOnlyList<string> ClassNames => _folder.UNet.ClassNames;

        /// <summary>Generates textures; <paramref name="onStep"/> sees every denoising step.</summary>
        public GeneratedTextures Generate(TextureRequest request, Action<DenoisingStep>? onStep = null, CancellationToken cancellation = default)
        {
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
                recipes[i] = Recipe(request, SchedulerRegistry.NameOf(config), request.Seed + (ulong)i, result.Width, result.Height);
            }

            return new GeneratedTextures(images, recipes, result);
        }

        /// <summary>The recipe of one texture in the widely used <c>parameters</c> text form (see <see cref="GenerationRecipe"/>).</summary>
        public string Recipe(TextureRequest request, ulong seed, int width, int height) =>
            Recipe(request, SchedulerRegistry.NameOf(SchedulerRegistry.Configure(_folder.Scheduler, request.Scheduler)), seed, width, height);

        private string Recipe(TextureRequest request, string sampler, ulong seed, int width, int height)
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
            return new GenerationRecipe(request.ClassName ?? "texture", null, settings).Format();
        }

        /// <summary>The request that reproduces the image a recipe describes (seed, steps, sampler, guidance, size, class).</summary>
        /// <exception cref="FormatException">The recipe lacks a seed or has malformed values; the message names the setting.</exception>
        public static TextureRequest RequestFromRecipe(GenerationRecipe recipe)
        {
            long seed = recipe.GetInteger("Seed") ?? throw new FormatException("The recipe has no Seed; it cannot be reproduced.");
            string? cls = recipe["Class"];
            (int Width, int Height)? size = recipe.GetSize();
            if (size.HasValue && size.Value.Width != size.Value.Height)
            {
                throw new FormatException($"Recipe size {size.Value.Width}x{size.Value.Height}: texture models generate square images.");
            }

            return new TextureRequest
            {
                Count = 1,
                Seed = (ulong)seed,
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
