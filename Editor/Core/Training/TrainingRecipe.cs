using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// What a person asks of a training run, in the words the command line and the panel use: the model preset and
    /// padding, the dataset's reading, and the run's length and schedule. It owns the defaults (those of
    /// <see cref="TrainingOptions"/> and <see cref="DatasetOptions"/>), the allowed names, the validation of every field
    /// and the mapping to the trainer's options; <c>livediffusion train</c> and the panel's run form only bind to it.
    /// </summary>
    public class TrainingRecipe
    {
        /// <summary>The <see cref="Padding"/> names: circular (outputs tile seamlessly) or zeros.</summary>
        public static readonly IReadOnlyList<string> PaddingNames = new[] { "circular", "zeros" };

        /// <summary>The <see cref="Prediction"/> names: epsilon, or v (v_prediction, diffusers' spelling, is the same).</summary>
        public static readonly IReadOnlyList<string> PredictionNames = new[] { "epsilon", "v", "v_prediction" };

        /// <summary>The <see cref="Alpha"/> names: composite (over black, an RGB model) or keep (an RGBA model).</summary>
        public static readonly IReadOnlyList<string> AlphaNames = new[] { "composite", "keep" };

        private static readonly TrainingOptions Trainer = new TrainingOptions();
        private static readonly DatasetOptions Reading = new DatasetOptions();

        /// <summary>Model preset (<see cref="ModelPresets.Names"/>).</summary>
        public string Preset { get; init; } = "small";

        /// <summary>Training resolution in pixels: a multiple of 8 from 8 to 256.</summary>
        public int Size { get; init; } = Reading.Size;

        /// <summary>Subfolders of the dataset are classes (trained with label dropout, for guidance).</summary>
        public bool ClassConditional { get; init; }

        /// <summary><see cref="PaddingNames"/>: circular (outputs tile) or zeros.</summary>
        public string Padding { get; init; } = "circular";

        /// <summary>Random 90° rotations and vertical flips.</summary>
        public bool Rotate90 { get; init; }

        /// <summary>
        /// Comma-separated classes (subfolders) that get the rotations and vertical flips, the rest keep their "up"
        /// (e.g. "floor" for floors and walls); implies <see cref="Rotate90"/>. Empty: <see cref="Rotate90"/> decides for all.
        /// </summary>
        public string? Rotate90Classes { get; init; }

        /// <summary><see cref="AlphaNames"/>: composite over black (RGB) or keep (RGBA).</summary>
        public string Alpha { get; init; } = "composite";

        /// <summary>Random instead of centre crops.</summary>
        public bool RandomCrop { get; init; }

        /// <summary>The most pixels a dataset image may have (larger ones are skipped unread); 64 to 2^30.</summary>
        public long MaxPixels { get; init; } = DatasetImageDecoder.DefaultMaxPixels;

        /// <summary>Comma-separated formats to decode besides PNG, JPEG and BMP (<see cref="DatasetImageDecoder.OptInFormats"/>); empty: none.</summary>
        public string? AllowFormats { get; init; }

        /// <summary><see cref="AllowFormats"/> as names (empty when none).</summary>
        public string[] ExtraFormats => string.IsNullOrWhiteSpace(AllowFormats)
            ? Array.Empty<string>()
            : AllowFormats!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).ToArray();

        /// <summary>Optimisation steps (1 to 10,000,000).</summary>
        public int Steps { get; init; } = Trainer.Steps;

        /// <summary>Images per step (1 to 1024).</summary>
        public int BatchSize { get; init; } = Trainer.BatchSize;

        /// <summary>Peak learning rate of AdamW, in (0, 0.1].</summary>
        public double LearningRate { get; init; } = Trainer.LearningRate;

        /// <summary>
        /// Warm-up steps, 0 up to <see cref="Steps"/>; null: the trainer's default (200; a run shorter than that ends
        /// before its learning rate peaks, as a short trial run should).
        /// </summary>
        public int? WarmupSteps { get; init; }

        /// <summary>Seed: the same seed gives the same run.</summary>
        public ulong Seed { get; init; } = Trainer.Seed;

        /// <summary><see cref="PredictionNames"/>: what the UNet predicts.</summary>
        public string Prediction { get; init; } = "epsilon";

        /// <summary>Min-SNR-γ loss weighting (0: off).</summary>
        public double MinSnrGamma { get; init; } = Trainer.MinSnrGamma;

        /// <summary>Lowest Min-SNR weight in x0 terms, v prediction only (null: 1; 0: diffusers' formula).</summary>
        public double? MinSnrFloor { get; init; }

        /// <summary>Steps between checkpoints (1 or more).</summary>
        public int CheckpointEvery { get; init; } = Trainer.CheckpointEvery;

        /// <summary>Checkpoints to keep (1 or more).</summary>
        public int KeepCheckpoints { get; init; } = Trainer.KeepCheckpoints;

        /// <summary>Steps between sample grids (0: none).</summary>
        public int SampleEvery { get; init; } = Trainer.SampleEvery;

        /// <summary>Images per sample grid (1 to 64).</summary>
        public int SampleCount { get; init; } = Trainer.SampleCount;

        /// <summary>Denoising steps of sample grids and live previews (1 to 1000).</summary>
        public int SampleSteps { get; init; } = Trainer.SampleSteps;

        /// <summary><see cref="Padding"/> as the mode (valid after <see cref="Check"/>).</summary>
        public PaddingMode PaddingMode => Padding == "zeros" ? PaddingMode.Zeros : PaddingMode.Circular;

        /// <summary><see cref="Prediction"/> as the type (valid after <see cref="Check"/>).</summary>
        public PredictionType PredictionType => Prediction == "epsilon" ? PredictionType.Epsilon : PredictionType.VPrediction;

        /// <summary><see cref="Rotate90Classes"/> as names (null when empty; may be empty when it holds only commas).</summary>
        public string[]? OrientationClasses => string.IsNullOrWhiteSpace(Rotate90Classes)
            ? null
            : Rotate90Classes!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>Every field that is wrong, with the fix (empty when the recipe is valid).</summary>
        public virtual IReadOnlyList<FieldError> Check()
        {
            var errors = new List<FieldError>();
            void Need(bool ok, string field, string message)
            {
                if (!ok)
                {
                    errors.Add(new FieldError(field, message));
                }
            }

            Need(ModelPresets.Names.Contains(Preset), "preset", $"Unknown preset '{Preset}': choose one of {string.Join(", ", ModelPresets.Names)}.");
            Need(Size >= 8 && Size <= 256 && Size % 8 == 0, "size", $"Size {Size} px: use a multiple of 8 from 8 to 256 (32 suits textures).");
            Need(PaddingNames.Contains(Padding), "padding", $"Padding '{Padding}': use circular (tileable outputs) or zeros.");
            Need(AlphaNames.Contains(Alpha), "alpha", $"Alpha '{Alpha}': use composite (RGB over black) or keep (RGBA).");
            Need(Steps >= 1 && Steps <= 10_000_000, "steps", $"Steps {Steps}: use 1 to 10,000,000.");
            Need(BatchSize >= 1 && BatchSize <= 1024, "batchSize", $"Batch size {BatchSize}: use 1 to 1024 (16-64 on a CPU).");
            Need(LearningRate > 0 && LearningRate <= 0.1 && double.IsFinite(LearningRate), "learningRate", $"Learning rate {LearningRate}: use a value in (0, 0.1]; 1e-4 to 1e-3 is usual.");
            Need(WarmupSteps is null || (WarmupSteps >= 0 && WarmupSteps <= Steps), "warmupSteps", $"Warm-up {WarmupSteps} steps: use 0 up to the number of steps ({Steps}).");
            Need(OrientationClasses == null || ClassConditional, "rotate90Classes", $"Rotating only the classes '{Rotate90Classes}' needs a class-conditional run (subfolders are classes), or no classes to rotate.");
            Need(OrientationClasses == null || OrientationClasses.Length > 0, "rotate90Classes", $"Classes to rotate '{Rotate90Classes}': list subfolder names separated by commas, e.g. floor.");
            Need(PredictionNames.Contains(Prediction), "prediction", $"Prediction '{Prediction}': use epsilon or v.");
            Need(MinSnrGamma >= 0 && double.IsFinite(MinSnrGamma), "minSnrGamma", $"Min-SNR gamma {MinSnrGamma}: use 0 (off) or more; 5 is usual.");
            Need(MinSnrFloor is null || (MinSnrFloor >= 0 && double.IsFinite(MinSnrFloor.Value)), "minSnrFloor", $"Min-SNR floor {MinSnrFloor}: use 0 or more (1 keeps the pure-noise timesteps trained).");
            Need(CheckpointEvery >= 1, "checkpointEvery", $"Checkpoint every {CheckpointEvery} steps: use 1 or more.");
            Need(KeepCheckpoints >= 1, "keepCheckpoints", $"Keep {KeepCheckpoints} checkpoints: use 1 or more.");
            Need(SampleEvery >= 0, "sampleEvery", $"Sample every {SampleEvery} steps: use 0 (no grids) or more.");
            Need(SampleCount >= 1 && SampleCount <= 64, "sampleCount", $"{SampleCount} images per grid: use 1 to 64.");
            Need(SampleSteps >= 1 && SampleSteps <= 1000, "sampleSteps", $"{SampleSteps} sampling steps: use 1 to 1000 (20-50 is usual).");
            Need(MaxPixels >= 64 && MaxPixels <= (1L << 30), "maxPixels", $"{MaxPixels} pixels per image: use 64 to {1L << 30} (the default {DatasetImageDecoder.DefaultMaxPixels} is 4096x4096).");
            string? unknown = ExtraFormats.FirstOrDefault(f => !DatasetImageDecoder.OptInFormats.Contains(f) && !DatasetImageDecoder.DefaultFormats.Contains(f));
            Need(unknown == null, "allowFormats", $"Format '{unknown}': the formats that can be allowed are {string.Join(", ", DatasetImageDecoder.OptInFormats)} (PNG, JPEG and BMP always are).");
            return errors;
        }

        /// <summary>How the dataset is read for this run.</summary>
        public DatasetOptions ToDatasetOptions()
        {
            bool rotate = Rotate90 || OrientationClasses != null;
            return new DatasetOptions
            {
                Size = Size,
                ClassConditional = ClassConditional,
                Alpha = Alpha == "keep" ? AlphaMode.Keep : AlphaMode.Composite,
                RandomCrop = RandomCrop,
                FlipHorizontal = true,
                FlipVertical = rotate,
                Rotate90 = rotate,
                OrientationClasses = OrientationClasses,
                MaxPixels = MaxPixels,
                AllowedFormats = DatasetImageDecoder.DefaultFormats.Concat(ExtraFormats).Distinct().ToArray(),
            };
        }

        /// <summary>The trainer's options for this run, on <paramref name="threads"/> libtorch threads (0: libtorch's default), logging every <paramref name="logEvery"/> steps.</summary>
        public TrainingOptions ToTrainingOptions(int threads, int logEvery) => new TrainingOptions
        {
            Steps = Steps,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            WarmupSteps = WarmupSteps ?? Trainer.WarmupSteps,
            Seed = Seed,
            PredictionType = PredictionType,
            MinSnrGamma = MinSnrGamma,
            MinSnrFloor = MinSnrFloor,
            CheckpointEvery = CheckpointEvery,
            KeepCheckpoints = KeepCheckpoints,
            SampleEvery = SampleEvery,
            SampleCount = SampleCount,
            SampleSteps = SampleSteps,
            LogEvery = logEvery,
            Threads = threads,
            Data = ToDatasetOptions(),
        };

        /// <summary>The preset's UNet for the dataset it reads (its channels and classes).</summary>
        /// <exception cref="ArgumentException">An unknown preset (run <see cref="Check"/> first).</exception>
        public UNet2DConfig CreateUNetConfig(ImageFolderDataset dataset) =>
            ModelPresets.Create(Preset, Size, dataset.Options.Channels, PaddingMode, dataset.ClassNames);
    }
}
