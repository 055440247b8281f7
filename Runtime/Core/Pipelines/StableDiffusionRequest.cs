#nullable enable
using System;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// The per-call arguments of <see cref="StableDiffusionPipeline"/>. Which pipeline runs follows from what is set:
    /// nothing → text-to-image; <see cref="InitImage"/> → image-to-image; plus <see cref="Mask"/> → inpainting;
    /// <see cref="Depth"/> → depth-to-image (with or without an init image). Saved configuration (scheduler, VAE
    /// scaling) belongs to the model folder, not here.
    /// </summary>
    public sealed record StableDiffusionRequest
    {
        /// <summary>What to draw.</summary>
        public string Prompt { get; init; } = string.Empty;

        /// <summary>What to steer away from (the unconditional branch of guidance); empty for none.</summary>
        public string NegativePrompt { get; init; } = string.Empty;

        /// <summary>Denoising steps of the full schedule (image-to-image runs the last ⌊steps·strength⌋).</summary>
        public int Steps { get; init; } = DefaultSteps;

        /// <summary>The default of <see cref="Steps"/>.</summary>
        public const int DefaultSteps = 25;

        /// <summary>Classifier-free guidance scale; 1 runs the conditional branch alone (half the UNet work).</summary>
        public float GuidanceScale { get; init; } = DefaultGuidanceScale;

        /// <summary>The default of <see cref="GuidanceScale"/>.</summary>
        public const float DefaultGuidanceScale = 7.5f;

        /// <summary>Seed of the first image; image i uses Seed + i.</summary>
        public ulong Seed { get; init; }

        /// <summary>Images to generate.</summary>
        public int Count { get; init; } = 1;

        /// <summary>Width in pixels, a multiple of 8 (ignored when an init image gives the size).</summary>
        public int Width { get; init; } = DefaultSize;

        /// <summary>The default of <see cref="Width"/> and <see cref="Height"/>: SD 1.x's 512.</summary>
        public const int DefaultSize = 512;

        /// <summary>Height in pixels, a multiple of 8 (ignored when an init image gives the size).</summary>
        public int Height { get; init; } = DefaultSize;

        /// <summary>The image to start from (image-to-image, inpainting, depth-to-image).</summary>
        public RgbImage? InitImage { get; init; }

        /// <summary>How much of the init image to repaint: 0 keeps it, 1 starts from pure noise.</summary>
        public float Strength { get; init; } = DefaultStrength;

        /// <summary>The default of <see cref="Strength"/>.</summary>
        public const float DefaultStrength = 0.8f;

        /// <summary>Inpainting mask, the init image's size: white (≥ 128) is repainted, black is kept.</summary>
        public RgbImage? Mask { get; init; }

        /// <summary>Depth for depth-conditioned (5-channel) UNets.</summary>
        public DepthMap? Depth { get; init; }

        /// <summary>
        /// Make the result tile seamlessly: every step shows the UNet the latents circularly shifted by a random offset
        /// (and shifts its prediction back), so no position is an edge. Works with any export, since ONNX convolutions
        /// cannot switch to wrap padding at run time.
        /// </summary>
        public bool Tileable { get; init; }

        /// <summary>
        /// The request a recipe describes (prompt, negative prompt, steps, guidance, seed, size, strength, tiling), with
        /// this type's defaults for what it leaves out. The images an image-to-image recipe started from are not in it:
        /// <see cref="StartsFromImage"/> says whether one is needed; give it (and its mask or depth) with <c>with</c>.
        /// </summary>
        /// <exception cref="FormatException">The recipe has no Seed, or a malformed value; the message names the setting.</exception>
        public static StableDiffusionRequest FromRecipe(GenerationRecipe recipe)
        {
            if (recipe == null)
            {
                throw new ArgumentNullException(nameof(recipe));
            }

            (int Width, int Height) size = recipe.GetSize() ?? (DefaultSize, DefaultSize);
            return new StableDiffusionRequest
            {
                Prompt = recipe.Prompt,
                NegativePrompt = recipe.NegativePrompt ?? string.Empty,
                Steps = (int)(recipe.GetInteger("Steps") ?? DefaultSteps),
                GuidanceScale = (float)(recipe.GetNumber("CFG scale") ?? DefaultGuidanceScale),
                Seed = (ulong)(recipe.GetInteger("Seed") ?? throw new FormatException("The recipe has no Seed; it cannot be reproduced.")),
                Width = size.Width,
                Height = size.Height,
                Strength = (float)(recipe.GetNumber("Denoising strength") ?? DefaultStrength),
                Tileable = string.Equals(recipe["Tileable"], "yes", StringComparison.OrdinalIgnoreCase),
            };
        }

        /// <summary>Whether the recipe's image was made from an init image (it records a denoising strength).</summary>
        public static bool StartsFromImage(GenerationRecipe recipe) => (recipe ?? throw new ArgumentNullException(nameof(recipe))).GetNumber("Denoising strength") != null;
    }
}
