#nullable enable
namespace LiveDiffusion.Pipelines
{
    /// <summary>What to generate with an <see cref="UnconditionalPipeline"/>.</summary>
    public sealed class GenerationOptions
    {
        /// <summary>Number of images (the batch size of the model calls).</summary>
        public int Count { get; init; } = 1;

        /// <summary>Width in pixels; 0 means the model's sample size.</summary>
        public int Width { get; init; }

        /// <summary>Height in pixels; 0 means the model's sample size.</summary>
        public int Height { get; init; }

        /// <summary>
        /// The seed. Image i starts from noise seeded with <c>Seed + i</c>, and stochastic schedulers (DDPM, Euler
        /// ancestral, LCM, DPM++ 2M SDE) draw its fresh noise each step from a stream of its own derived from
        /// <c>Seed + i</c> (<see cref="PerImageNoise"/>), so with any scheduler image i equals a single-image run with
        /// seed <c>Seed + i</c>.
        /// </summary>
        public ulong Seed { get; init; }

        /// <summary>Number of denoising steps.</summary>
        public int Steps { get; init; } = 25;

        /// <summary>The class of every image for a class-conditional model (null: no class, or the model's "no class" embedding).</summary>
        public int? ClassLabel { get; init; }

        /// <summary>Classifier-free guidance scale for class-conditional models; 1 runs the conditional branch alone.</summary>
        public float GuidanceScale { get; init; } = 1f;

        /// <summary>
        /// Autoguidance scale w (1: off): the prediction becomes guide + w · (model − guide), where the guide is the weaker
        /// model given to the <see cref="UnconditionalPipeline"/>. Used instead of classifier-free guidance, not with it.
        /// </summary>
        public float AutoguidanceScale { get; init; } = 1f;

        /// <summary>
        /// Guide (either kind) only at timesteps t with Low ≤ t ≤ High (on the training schedule's 0–999 scale); other
        /// steps take the model's prediction as it is. Null: every step.
        /// </summary>
        public (float Low, float High)? GuidanceInterval { get; init; }

        /// <summary>
        /// Seamless output from a model without circular padding: the latents are rolled by a random offset before each
        /// model call and rolled back after it (see <see cref="LatentRoll"/>). Models trained with circular padding are
        /// seamless without it.
        /// </summary>
        public bool TileByRolling { get; init; }
    }
}
