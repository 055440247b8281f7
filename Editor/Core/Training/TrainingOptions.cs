using System.Text.Json.Serialization;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// The training recipe: diffusers' train_unconditional done on this package's own UNet2D. Defaults are those that
    /// worked for small texture models on a CPU. Saved with every checkpoint.
    /// </summary>
    public sealed class TrainingOptions
    {
        /// <summary>Total optimisation steps.</summary>
        public int Steps { get; init; } = 10000;

        /// <summary>Images per step.</summary>
        public int BatchSize { get; init; } = 32;

        /// <summary>Peak learning rate of AdamW.</summary>
        public double LearningRate { get; init; } = 2e-4;

        /// <summary>Linear warm-up steps before the cosine decay.</summary>
        public int WarmupSteps { get; init; } = 200;

        /// <summary>AdamW's decoupled weight decay.</summary>
        public double WeightDecay { get; init; } = 1e-2;

        /// <summary>AdamW β1.</summary>
        public double Beta1 { get; init; } = 0.9;

        /// <summary>AdamW β2.</summary>
        public double Beta2 { get; init; } = 0.999;

        /// <summary>AdamW ε.</summary>
        public double Epsilon { get; init; } = 1e-8;

        /// <summary>Gradients are clipped to this global L2 norm (0 disables).</summary>
        public double GradientClip { get; init; } = 1.0;

        /// <summary>The largest EMA decay; the warm-up (1 - (1 + step)^-power) approaches it.</summary>
        public double EmaMaxDecay { get; init; } = 0.9995;

        /// <summary>Power of the EMA warm-up (diffusers' ema_power).</summary>
        public double EmaPower { get; init; } = 0.75;

        /// <summary>What the network learns to predict.</summary>
        [JsonConverter(typeof(JsonStringEnumConverter))]
        public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

        /// <summary>Min-SNR-γ loss weighting (0 disables; 5 is the paper's value).</summary>
        public double MinSnrGamma { get; init; } = 5.0;

        /// <summary>
        /// Lower bound of the Min-SNR weight in x₀ terms, for v and sample prediction; null (the default) picks
        /// <see cref="LossWeighting.DefaultFloor"/>: 1 for v and sample, 0 for ε. 0 is diffusers' formula, which gives
        /// the timesteps where the SNR reaches 0 no weight; 1 trains them like a plain v loss. See
        /// <see cref="LossWeighting"/>.
        /// </summary>
        public double? MinSnrFloor { get; init; }

        /// <summary>Probability of replacing a class label by the "no class" label (classifier-free guidance training).</summary>
        public double LabelDropout { get; init; } = 0.1;

        /// <summary>Training timesteps of the noise schedule.</summary>
        public int TrainTimesteps { get; init; } = 1000;

        /// <summary>diffusers' beta_schedule name: linear, scaled_linear or squaredcos_cap_v2 (cosine, best for small images).</summary>
        public string BetaSchedule { get; init; } = "squaredcos_cap_v2";

        /// <summary>The seed: with the same seed, data and options a run gives the same weights, resumed or not.</summary>
        public ulong Seed { get; init; } = 1234;

        /// <summary>Write a checkpoint every this many steps (and at the end, and when cancelled).</summary>
        public int CheckpointEvery { get; init; } = 500;

        /// <summary>How many checkpoints to keep (oldest deleted first).</summary>
        public int KeepCheckpoints { get; init; } = 3;

        /// <summary>Write a sample grid from the EMA weights every this many steps (0 disables).</summary>
        public int SampleEvery { get; init; } = 1000;

        /// <summary>Images in each sample grid.</summary>
        public int SampleCount { get; init; } = 16;

        /// <summary>Denoising steps (DDIM) for sample grids.</summary>
        public int SampleSteps { get; init; } = 25;

        /// <summary>Append a line to train_log.jsonl every this many steps.</summary>
        public int LogEvery { get; init; } = 10;

        /// <summary>Consecutive non-finite losses that trigger a rollback to the last checkpoint at half the learning rate.</summary>
        public int NanRollbackAfter { get; init; } = 3;

        /// <summary>CPU threads for libtorch (0: all cores).</summary>
        public int Threads { get; init; }

        /// <summary>How the dataset is read.</summary>
        public DatasetOptions Data { get; init; } = new DatasetOptions();
    }
}
