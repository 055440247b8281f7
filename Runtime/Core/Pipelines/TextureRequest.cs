namespace LiveDiffusion.Pipelines
{
    /// <summary>What to generate with a <see cref="TextureGenerator"/>.</summary>
    public sealed class TextureRequest
    {
        /// <summary>How many textures.</summary>
        public int Count { get; init; } = 1;

        /// <summary>Texture i uses seed <c>Seed + i</c>.</summary>
        public ulong Seed { get; init; }

        /// <summary>Class name for class-conditional models (e.g. "floor"); null for none.</summary>
        public string? ClassName { get; init; }

        /// <summary>Width and height in pixels; 0 means the model's size.</summary>
        public int Size { get; init; }

        /// <summary>Denoising steps.</summary>
        public int Steps { get; init; } = 25;

        /// <summary>Scheduler name (see SchedulerRegistry): ddim, dpm++2m, euler, ...</summary>
        public string Scheduler { get; init; } = "ddim";

        /// <summary>Classifier-free guidance scale (class-conditional models trained with label dropout).</summary>
        public float GuidanceScale { get; init; } = 1f;

        /// <summary>Seamless output from a model without circular padding, by rolling the latents every step (see <see cref="GenerationOptions.TileByRolling"/>).</summary>
        public bool TileByRolling { get; init; }
    }
}
