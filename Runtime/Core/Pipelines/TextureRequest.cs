#nullable enable
using System;
using System.Collections.Generic;

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

        /// <summary>Denoising steps (<see cref="TextureGenerator.RecommendedSteps"/> is the model folder's).</summary>
        public int Steps { get; init; } = DefaultSteps;

        /// <summary>The number of denoising steps used where a model folder recommends none.</summary>
        public const int DefaultSteps = 25;

        /// <summary>The most denoising steps a request may ask for (diffusers' training schedules have 1000 timesteps).</summary>
        public const int MaxSteps = 1000;

        /// <summary>The largest side in pixels a request may ask for (4096: a 4K texture; a bound on untrusted recipes).</summary>
        public const int MaxSize = 4096;

        /// <summary>
        /// The classifier-free guidance scale a class-conditional texture model runs with when nothing is asked and its
        /// folder has no guide UNet (see <see cref="GuidanceChoice"/>).
        /// </summary>
        public const float DefaultGuidanceScale = 1.5f;

        /// <summary>
        /// The sampler texture models use unless told otherwise: DPM-Solver++ 2M, configured from the model folder (the
        /// trainer's folders ask for Karras σs). On the built-in model it reaches a Fréchet distance of 0.70 in 25 steps,
        /// against 1.01 for DDIM at the same 25 steps (the model card has the sampler comparison).
        /// </summary>
        public const string DefaultScheduler = "dpm++2m";

        /// <summary>Scheduler name (see SchedulerRegistry): dpm++2m, ddim, euler, ...</summary>
        public string Scheduler { get; init; } = DefaultScheduler;

        /// <summary>Classifier-free guidance scale (class-conditional models trained with label dropout).</summary>
        public float GuidanceScale { get; init; } = 1f;

        /// <summary>
        /// Autoguidance scale (1: off), for model folders with a guide UNet (<see cref="TextureGenerator.RecommendedAutoguidanceScale"/>
        /// is the folder's tuned value). Used instead of classifier-free guidance: leave <see cref="GuidanceScale"/> at 1.
        /// </summary>
        public float AutoguidanceScale { get; init; } = 1f;

        /// <summary>
        /// Guide only at timesteps Low..High (see <see cref="GenerationOptions.GuidanceInterval"/>); null: every step.
        /// <see cref="TextureGenerator.RecommendedGuidanceInterval"/> is the folder's, tuned with its autoguidance scale.
        /// </summary>
        public (float Low, float High)? GuidanceInterval { get; init; }

        /// <summary>Seamless output from a model without circular padding, by rolling the latents every step (see <see cref="GenerationOptions.TileByRolling"/>).</summary>
        public bool TileByRolling { get; init; }

        /// <summary>
        /// Shares <paramref name="count"/> textures over <paramref name="classes"/> (null entries: no class) as evenly as
        /// possible, the first classes taking one more where it does not divide, with consecutive seeds from
        /// <see cref="Seed"/>: the i-th texture overall uses Seed + i. One request per class that gets any, each otherwise
        /// this one.
        /// </summary>
        /// <exception cref="ArgumentException"><paramref name="count"/> is below 1 or <paramref name="classes"/> is empty.</exception>
        public IReadOnlyList<TextureRequest> ShareOver(IReadOnlyList<string?> classes, int count)
        {
            if (classes == null || classes.Count == 0)
            {
                throw new ArgumentException("Give at least one class (null for none).", nameof(classes));
            }

            if (count < 1)
            {
                throw new ArgumentException($"Count is {count}; generate at least one texture.", nameof(count));
            }

            var requests = new List<TextureRequest>(classes.Count);
            ulong seed = Seed;
            for (int c = 0; c < classes.Count; c++)
            {
                int share = (count / classes.Count) + (c < count % classes.Count ? 1 : 0);
                if (share > 0)
                {
                    requests.Add(With(classes[c], share, seed));
                    seed += (ulong)share;
                }
            }

            return requests;
        }

        /// <summary>
        /// This request as consecutive batches of at most <paramref name="batchSize"/> textures: batch k starts at
        /// Seed + k * batchSize, so texture i keeps seed Seed + i whatever the batch size (each recipe records its
        /// batch, so every texture reproduces exactly).
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is below 1.</exception>
        public IReadOnlyList<TextureRequest> InBatches(int batchSize)
        {
            if (batchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize), $"Batch size {batchSize}: use 1 or more.");
            }

            var batches = new List<TextureRequest>((Count + batchSize - 1) / batchSize);
            for (int start = 0; start < Count; start += batchSize)
            {
                batches.Add(With(ClassName, Math.Min(batchSize, Count - start), Seed + (ulong)start));
            }

            return batches;
        }

        private TextureRequest With(string? className, int count, ulong seed) => new TextureRequest
        {
            Count = count,
            Seed = seed,
            ClassName = className,
            Size = Size,
            Steps = Steps,
            Scheduler = Scheduler,
            GuidanceScale = GuidanceScale,
            AutoguidanceScale = AutoguidanceScale,
            GuidanceInterval = GuidanceInterval,
            TileByRolling = TileByRolling,
        };
    }
}
