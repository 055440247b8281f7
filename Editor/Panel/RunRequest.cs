using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The "set up a run" form as the page posts it (JSON, camelCase). Missing fields take the defaults below;
    /// <see cref="Validate"/> checks every field and names each one that is wrong, with the fix.
    /// </summary>
    public sealed class RunRequest
    {
        /// <summary>Run name: the run's folder under the runs folder.</summary>
        public string? Name { get; init; }

        /// <summary>Dataset folder, inside the panel's data root.</summary>
        public string? Dataset { get; init; }

        /// <summary>Model preset (<see cref="ModelPresets.Names"/>).</summary>
        public string Preset { get; init; } = "small";

        /// <summary>Training resolution in pixels.</summary>
        public int Size { get; init; } = 32;

        /// <summary>Subfolders of the dataset are classes.</summary>
        public bool ClassConditional { get; init; }

        /// <summary>circular (outputs tile) or zeros.</summary>
        public string Padding { get; init; } = "circular";

        /// <summary>Random 90° rotations and vertical flips.</summary>
        public bool Rotate90 { get; init; }

        /// <summary>
        /// Comma-separated classes (subfolders) that get the rotations and vertical flips, the rest keep their "up"
        /// (e.g. "floor" for floors and walls); implies <see cref="Rotate90"/>. Empty: <see cref="Rotate90"/> decides for all.
        /// </summary>
        public string? Rotate90Classes { get; init; }

        /// <summary>Optimisation steps.</summary>
        public int Steps { get; init; } = 2000;

        /// <summary>Images per step.</summary>
        public int BatchSize { get; init; } = 16;

        /// <summary>Peak learning rate.</summary>
        public double LearningRate { get; init; } = 2e-4;

        /// <summary>Warm-up steps.</summary>
        public int WarmupSteps { get; init; } = 100;

        /// <summary>Seed.</summary>
        public ulong Seed { get; init; } = 1234;

        /// <summary>epsilon or v.</summary>
        public string Prediction { get; init; } = "epsilon";

        /// <summary>Steps between checkpoints.</summary>
        public int CheckpointEvery { get; init; } = 250;

        /// <summary>Steps between sample grids (0: none).</summary>
        public int SampleEvery { get; init; } = 250;

        /// <summary>Images per sample grid.</summary>
        public int SampleCount { get; init; } = 16;

        /// <summary>Denoising steps for sample grids and the live preview.</summary>
        public int SampleSteps { get; init; } = 20;

        /// <summary>Empty: a new run; "latest": the run's newest checkpoint; or a checkpoint file name of the run.</summary>
        public string? Resume { get; init; }

        /// <summary>Checks every field; throws <see cref="PanelRequestException"/> listing all that are wrong.</summary>
        public void Validate()
        {
            var errors = new List<FieldError>();
            void Check(bool ok, string field, string message)
            {
                if (!ok)
                {
                    errors.Add(new FieldError(field, message));
                }
            }

            Check(!string.IsNullOrWhiteSpace(Name), "name", "Give the run a name (letters, digits, '.', '_', '-'); it becomes its folder.");
            Check(!string.IsNullOrWhiteSpace(Dataset), "dataset", "Choose the dataset folder (a folder of images inside the data root).");
            Check(ModelPresets.Names.Contains(Preset), "preset", $"Unknown preset '{Preset}': choose one of {string.Join(", ", ModelPresets.Names)}.");
            Check(Size >= 8 && Size <= 256 && Size % 8 == 0, "size", $"Size {Size} px: use a multiple of 8 from 8 to 256 (32 suits textures).");
            Check(Padding == "circular" || Padding == "zeros", "padding", $"Padding '{Padding}': use circular (tileable outputs) or zeros.");
            Check(Steps >= 1 && Steps <= 10_000_000, "steps", $"Steps {Steps}: use 1 to 10,000,000.");
            Check(BatchSize >= 1 && BatchSize <= 1024, "batchSize", $"Batch size {BatchSize}: use 1 to 1024 (16-64 on a CPU).");
            Check(LearningRate > 0 && LearningRate <= 0.1 && double.IsFinite(LearningRate), "learningRate", $"Learning rate {LearningRate}: use a value in (0, 0.1]; 1e-4 to 1e-3 is usual.");
            Check(WarmupSteps >= 0 && WarmupSteps <= Steps, "warmupSteps", $"Warm-up {WarmupSteps} steps: use 0 up to the number of steps ({Steps}).");
            Check(OrientationClasses == null || ClassConditional, "rotate90Classes", $"Rotating only the classes '{Rotate90Classes}' needs a class-conditional run: tick \"Subfolders are classes\" or clear the classes to rotate.");
            Check(OrientationClasses == null || OrientationClasses.Length > 0, "rotate90Classes", $"Classes to rotate '{Rotate90Classes}': list subfolder names separated by commas, e.g. floor.");
            Check(Prediction == "epsilon" || Prediction == "v", "prediction", $"Prediction '{Prediction}': use epsilon or v.");
            Check(CheckpointEvery >= 1, "checkpointEvery", $"Checkpoint every {CheckpointEvery} steps: use 1 or more.");
            Check(SampleEvery >= 0, "sampleEvery", $"Sample every {SampleEvery} steps: use 0 (no grids) or more.");
            Check(SampleCount >= 1 && SampleCount <= 64, "sampleCount", $"{SampleCount} images per grid: use 1 to 64.");
            Check(SampleSteps >= 1 && SampleSteps <= 1000, "sampleSteps", $"{SampleSteps} sampling steps: use 1 to 1000 (20-50 is usual).");
            if (errors.Count > 0)
            {
                throw new PanelRequestException(errors);
            }
        }

        /// <summary>How the dataset is read for this run.</summary>
        public DatasetOptions ToDatasetOptions() => new DatasetOptions
        {
            Size = Size,
            ClassConditional = ClassConditional,
            FlipHorizontal = true,
            FlipVertical = Rotate90 || OrientationClasses != null,
            Rotate90 = Rotate90 || OrientationClasses != null,
            OrientationClasses = OrientationClasses,
        };

        /// <summary><see cref="Rotate90Classes"/> as names (null when empty; may be empty when it holds only commas).</summary>
        private string[]? OrientationClasses => string.IsNullOrWhiteSpace(Rotate90Classes)
            ? null
            : Rotate90Classes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        /// <summary>The padding mode.</summary>
        public PaddingMode ToPaddingMode() => Padding == "zeros" ? PaddingMode.Zeros : PaddingMode.Circular;

        /// <summary>The trainer's recipe for this run.</summary>
        public TrainingOptions ToTrainingOptions(int threads) => new TrainingOptions
        {
            Steps = Steps,
            BatchSize = BatchSize,
            LearningRate = LearningRate,
            WarmupSteps = WarmupSteps,
            Seed = Seed,
            PredictionType = Prediction == "v" ? PredictionType.VPrediction : PredictionType.Epsilon,
            CheckpointEvery = CheckpointEvery,
            SampleEvery = SampleEvery,
            SampleCount = SampleCount,
            SampleSteps = SampleSteps,
            LogEvery = 1,
            Threads = threads,
            Data = ToDatasetOptions(),
        };
    }
}
