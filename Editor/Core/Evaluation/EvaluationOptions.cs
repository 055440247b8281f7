using System.Collections.Generic;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>How the generated images are shared out over the classes of a class-conditional evaluation.</summary>
    public enum ClassMix
    {
        /// <summary>In proportion to the data's class sizes, so the generated set has the mix it is compared with.</summary>
        Data,

        /// <summary>The same number for every class (Count / classes).</summary>
        Even,
    }

    /// <summary>How a model is evaluated.</summary>
    public sealed class EvaluationOptions
    {
        /// <summary>Images to generate in all (shared out over the classes by <see cref="Mix"/> when class-conditional).</summary>
        public int Count { get; init; } = 256;

        /// <summary>Denoising steps per image.</summary>
        public int Steps { get; init; } = 25;

        /// <summary>
        /// Seed of everything random: generated image i starts from noise seeded with Seed + i; the real-vs-real split
        /// and the trivial baseline's samples are seeded from it too.
        /// </summary>
        public ulong Seed { get; init; }

        /// <summary>Images per model call.</summary>
        public int BatchSize { get; init; } = 32;

        /// <summary>Generate images for every class of the data (shared out by <see cref="Mix"/>) and also compare class by class.</summary>
        public bool ClassConditional { get; init; }

        /// <summary>
        /// How <see cref="Count"/> is shared out over the classes. <see cref="ClassMix.Data"/> (the default) matches
        /// the data's mix, which the overall Fréchet distance against the whole training set assumes; with
        /// <see cref="ClassMix.Even"/> a set with unequal classes is compared with a mix it does not have.
        /// </summary>
        public ClassMix Mix { get; init; } = ClassMix.Data;

        /// <summary>
        /// The model's class label for each class of the data (by index); null: the same index. Lets a model whose
        /// classes are named be matched to data folders by name.
        /// </summary>
        public IReadOnlyList<int>? ModelClassLabels { get; init; }

        /// <summary>Classifier-free guidance scale for class-conditional generation (1: the conditional branch alone).</summary>
        public float GuidanceScale { get; init; } = 1f;

        /// <summary>Autoguidance scale (1: off); needs the guide model passed to <see cref="ModelEvaluator.Run"/>.</summary>
        public float AutoguidanceScale { get; init; } = 1f;

        /// <summary>Guide only at timesteps in this range (see <see cref="Pipelines.GenerationOptions.GuidanceInterval"/>); null: every step.</summary>
        public (float Low, float High)? GuidanceInterval { get; init; }

        /// <summary>Roll the latents every step for seamless output from a model without circular padding.</summary>
        public bool TileByRolling { get; init; }

        /// <summary>
        /// Seeded splits of the real images into halves that the real-vs-real floor and the like-for-like Fréchet
        /// comparison are averaged over (the first is the split the other half-vs-half numbers use). Distances only, no
        /// extra TAESD work.
        /// </summary>
        public int MatchedSplits { get; init; } = DefaultSplits;

        /// <summary>
        /// The default of <see cref="MatchedSplits"/>. On the built-in model's 795 tiles one split's real-vs-real distance
        /// has a standard deviation of about 30% of its mean (0.211 ± 0.064 over 100 splits; single splits range up to
        /// 0.46), so the mean of n splits is known to about 30%/√n of itself: 3% at n = 100, against 14% at the 5 splits
        /// used before.
        /// </summary>
        public const int DefaultSplits = 100;

        /// <summary>Also try the 8 flips/rotations of each query in the nearest-neighbour search.</summary>
        public bool AllOrientations { get; init; } = true;
    }
}
