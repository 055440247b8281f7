using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion train</c>: trains a diffusion model on a folder of images.</summary>
    internal static class TrainCommand
    {
        private static readonly TrainingRecipe Defaults = new TrainingRecipe();

        /// <summary>The option that sets each <see cref="TrainingRecipe"/> field, for error lines.</summary>
        private static readonly IReadOnlyDictionary<string, string> OptionNames = new Dictionary<string, string>
        {
            ["preset"] = "--preset", ["size"] = "--size", ["padding"] = "--padding", ["alpha"] = "--alpha", ["steps"] = "--steps",
            ["batchSize"] = "--batch", ["learningRate"] = "--lr", ["warmupSteps"] = "--warmup", ["rotate90Classes"] = "--rotate90-classes",
            ["prediction"] = "--prediction", ["minSnrGamma"] = "--min-snr", ["minSnrFloor"] = "--min-snr-floor",
            ["checkpointEvery"] = "--checkpoint-every", ["keepCheckpoints"] = "--keep", ["sampleEvery"] = "--sample-every",
            ["sampleCount"] = "--sample-count", ["sampleSteps"] = "--sample-steps", ["maxPixels"] = "--max-pixels", ["allowFormats"] = "--allow-formats",
        };

        public static Command Create()
        {
            var data = new Option<string>("--data") { Description = "Folder of training images (subfolders are classes with --class-conditional).", Required = true };
            var output = new Option<string>("--out") { Description = "Run folder: checkpoints/, samples/, train_log.jsonl, model/.", Required = true };
            var preset = new Option<string>("--preset") { Description = "Model size: " + string.Join(", ", ModelPresets.Names) + ".", DefaultValueFactory = _ => Defaults.Preset };
            var config = new Option<string?>("--unet-config") { Description = "A unet/config.json to train instead of a preset." };
            var size = new Option<int>("--size") { Description = "Training resolution (pixels).", DefaultValueFactory = _ => Defaults.Size };
            var padding = new Option<string>("--padding") { Description = "circular (outputs tile seamlessly) or zeros.", DefaultValueFactory = _ => Defaults.Padding };
            var classes = new Option<bool>("--class-conditional") { Description = "Subfolders are class labels; trains with label dropout for guidance." };
            var steps = new Option<int>("--steps") { Description = "Optimisation steps.", DefaultValueFactory = _ => Defaults.Steps };
            var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => Defaults.BatchSize };
            var lr = new Option<double>("--lr") { Description = "Peak learning rate (AdamW).", DefaultValueFactory = _ => Defaults.LearningRate };
            var warmup = new Option<int?>("--warmup") { Description = $"Warm-up steps, at most --steps (default: {new TrainingOptions().WarmupSteps}; a shorter run ends before the peak learning rate)." };
            var seed = new Option<ulong>("--seed") { Description = "Seed; the same seed gives the same run.", DefaultValueFactory = _ => Defaults.Seed };
            var prediction = new Option<string>("--prediction") { Description = "epsilon or v.", DefaultValueFactory = _ => Defaults.Prediction };
            var minSnr = new Option<double>("--min-snr") { Description = "Min-SNR-gamma loss weighting (0 disables).", DefaultValueFactory = _ => Defaults.MinSnrGamma };
            var minSnrFloor = new Option<double?>("--min-snr-floor") { Description = "Lowest Min-SNR weight in x0 terms, v prediction only (default 1, which keeps the pure-noise timesteps trained; 0: diffusers' formula)." };
            var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => Defaults.CheckpointEvery };
            var keep = new Option<int>("--keep") { Description = "Checkpoints to keep.", DefaultValueFactory = _ => Defaults.KeepCheckpoints };
            var sampleEvery = new Option<int>("--sample-every") { Description = "Steps between sample grids (0: none).", DefaultValueFactory = _ => Defaults.SampleEvery };
            var resume = new Option<string?>("--resume") { Description = "'latest' (the newest checkpoint in --out) or a checkpoint file." };
            var rotate = new Option<bool>("--rotate90") { Description = "Random 90-degree rotations and vertical flips (textures)." };
            var rotateClasses = new Option<string?>("--rotate90-classes") { Description = "Rotations and vertical flips for these classes only (comma-separated subfolder names, e.g. floor: top-down floors have no up, walls do). Implies --rotate90." };
            var alpha = new Option<string>("--alpha") { Description = "composite (over black, RGB model) or keep (RGBA model).", DefaultValueFactory = _ => Defaults.Alpha };
            var randomCrop = new Option<bool>("--random-crop") { Description = "Random instead of centre crops." };
            var maxPixels = new Option<long>("--max-pixels") { Description = "Largest dataset image in pixels; larger ones are skipped before decoding.", DefaultValueFactory = _ => DatasetImageDecoder.DefaultMaxPixels };
            var allowFormats = new Option<string?>("--allow-formats") { Description = $"Also decode these formats (comma-separated: {string.Join(", ", DatasetImageDecoder.OptInFormats)}); PNG, JPEG and BMP always are." };
            var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: all cores).", DefaultValueFactory = _ => 0 };
            var plain = new Option<bool>("--plain") { Description = "Plain log lines (every 5 s) instead of a progress bar, as when output is redirected." };

            alpha.AcceptOnlyFromAmong(TrainingRecipe.AlphaNames.ToArray());
            padding.AcceptOnlyFromAmong(TrainingRecipe.PaddingNames.ToArray());
            prediction.AcceptOnlyFromAmong(TrainingRecipe.PredictionNames.ToArray());
            var command = new Command("train", "Train a diffusion model on a folder of images (DDPM recipe: AdamW, cosine LR, EMA, checkpoints, sample grids).")
            {
                data, output, preset, config, size, padding, classes, steps, batch, lr, warmup, seed, prediction, minSnr, minSnrFloor,
                checkpointEvery, keep, sampleEvery, resume, rotate, rotateClasses, alpha, randomCrop, maxPixels, allowFormats, threads, plain,
            };

            command.SetAction(parse =>
            {
                string outDir = parse.GetValue(output)!;
                var recipe = new TrainingRecipe
                {
                    Preset = parse.GetValue(preset)!,
                    Size = parse.GetValue(size),
                    ClassConditional = parse.GetValue(classes),
                    Padding = parse.GetValue(padding)!,
                    Rotate90 = parse.GetValue(rotate),
                    Rotate90Classes = parse.GetValue(rotateClasses),
                    Alpha = parse.GetValue(alpha)!,
                    RandomCrop = parse.GetValue(randomCrop),
                    MaxPixels = parse.GetValue(maxPixels),
                    AllowFormats = parse.GetValue(allowFormats),
                    Steps = parse.GetValue(steps),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(lr),
                    WarmupSteps = parse.GetValue(warmup),
                    Seed = parse.GetValue(seed),
                    Prediction = parse.GetValue(prediction)!,
                    MinSnrGamma = parse.GetValue(minSnr),
                    MinSnrFloor = parse.GetValue(minSnrFloor),
                    CheckpointEvery = parse.GetValue(checkpointEvery),
                    KeepCheckpoints = parse.GetValue(keep),
                    SampleEvery = parse.GetValue(sampleEvery),
                };
                FieldError? wrong = recipe.Check().FirstOrDefault(e => parse.GetValue(config) == null || e.Field != "preset");
                if (wrong != null)
                {
                    Console.Error.WriteLine($"error: {OptionNames[wrong.Field]}: {wrong.Message}");
                    return 2;
                }

                if (ErrorText.RefuseFileAsFolder("--out", outDir, " for the run"))
                {
                    return 2;
                }

                ImageFolderDataset? dataset = LoadDataset(parse.GetValue(data)!, recipe);
                if (dataset == null)
                {
                    return 2;
                }

                string? configPath = parse.GetValue(config);
                UNet2DConfig unet;
                try
                {
                    unet = configPath != null
                        ? UNet2DConfig.Load(configPath)
                        : recipe.CreateUNetConfig(dataset);
                }
                catch (Exception e) when (e is ModelConfigException || e is IOException || e is ArgumentException)
                {
                    Console.Error.WriteLine($"error: {(configPath != null ? "--unet-config" : "--preset")}: {e.Message}");
                    return 2;
                }

                TrainingOptions options = recipe.ToTrainingOptions(parse.GetValue(threads), new TrainingOptions().LogEvery);

                DiffusionTrainer trainer;
                Checkpoint? from = null;
                string? resumeArg = parse.GetValue(resume);
                try
                {
                    trainer = new DiffusionTrainer(dataset, unet, options, outDir);
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }

                try
                {
                    from = resumeArg == null ? null
                        : resumeArg == "latest" ? Checkpoint.Latest(trainer.CheckpointFolder, w => Console.Error.WriteLine("warning: " + w))
                        : Checkpoint.Read(resumeArg);
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: --resume: {e.Message}");
                    return 2;
                }

                if (resumeArg != null && from == null)
                {
                    Console.WriteLine($"no checkpoint in {trainer.CheckpointFolder}; starting from step 0.");
                }

                string modelName = configPath ?? "preset " + recipe.Preset;
                return Run(trainer, from, unet, modelName, options, parse.GetValue(plain) || Console.IsOutputRedirected);
            });
            return command;
        }

        /// <summary>Loads the training images as the recipe reads them and says what was found; null (after one error line) when they cannot be.</summary>
        private static ImageFolderDataset? LoadDataset(string folder, TrainingRecipe recipe)
        {
            ImageFolderDataset dataset;
            try
            {
                dataset = ImageFolderDataset.Load(folder, recipe.ToDatasetOptions());
            }
            catch (DatasetOptionException e) when (e.Option == nameof(DatasetOptions.OrientationClasses))
            {
                Console.Error.WriteLine("error: --rotate90-classes: " + e.Message);
                return null;
            }
            catch (Exception e) when (e is DirectoryNotFoundException || e is InvalidDataException)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return null;
            }

            Console.WriteLine($"dataset: {dataset.Count} images from {dataset.Folder}" + (dataset.ClassNames.Count > 0 ? $" in classes {string.Join(", ", dataset.ClassNames.Zip(dataset.ClassCounts, (n, c) => $"{n} ({c})"))}" : string.Empty));
            if (dataset.Skipped.Count > 0)
            {
                Console.WriteLine($"skipped {dataset.Skipped.Count} file(s):");
                foreach (SkippedFile skipped in dataset.Skipped.Take(10))
                {
                    Console.WriteLine($"  {skipped.Path}: {skipped.Reason}");
                }
            }

            return dataset;
        }

        /// <summary>Runs the training to its end or Ctrl+C (which saves a checkpoint first) and prints the result; the exit code.</summary>
        private static int Run(DiffusionTrainer trainer, Checkpoint? from, UNet2DConfig unet, string modelName, TrainingOptions options, bool plain)
        {
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                Console.Error.WriteLine("stopping after this step and saving a checkpoint...");
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                using var model = new LiveDiffusion.Torch.Models.UNet2D(unet);
                Console.WriteLine($"model: {modelName}, {model.ParameterCount:N0} parameters, {unet.PaddingMode.ToString().ToLowerInvariant()} padding; {options.Steps} steps of {options.BatchSize} -> {trainer.OutputFolder}");
                TrainingResult result = RunWithProgress(trainer, from, plain, cancellation.Token);
                Console.WriteLine($"{(result.Cancelled ? "stopped" : "done")} at step {result.Step}: loss {result.SmoothedLoss:F4}, {result.NonFiniteSkipped} non-finite steps skipped, {result.Rollbacks} rollbacks, {result.Elapsed:hh\\:mm\\:ss}");
                Console.WriteLine($"model folder: {result.ModelFolder}");
                return result.Cancelled ? 130 : 0;
            }
            catch (InvalidDataException e)
            {
                // The checkpoint to resume from belongs to another run (model, seed).
                Console.Error.WriteLine($"error: --resume: {e.Message}");
                return 2;
            }
            catch (InvalidOperationException e)
            {
                // Diverged before the first checkpoint: nothing to roll back to.
                Console.Error.WriteLine($"error: training stopped: {e.Message}");
                return 1;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // A write failed (full disk, lost mount, permissions). Checkpoints are written atomically, so every
                // one on disk is whole: say which is the newest and how to go on from it.
                Console.Error.WriteLine($"error: training stopped: {e.Message}");
                (long lastStep, string? lastPath) = Checkpoint.List(trainer.CheckpointFolder).LastOrDefault();
                Console.Error.WriteLine(lastPath != null
                    ? $"The newest checkpoint, {lastPath} (step {lastStep}), is whole. Fix the cause (e.g. free disk space) and run the same command with --resume latest to go on from it."
                    : $"No checkpoint was written yet in {trainer.CheckpointFolder}. Fix the cause (e.g. free disk space) and run the command again.");
                return 1;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }

        /// <summary>Runs the trainer under the progress display (plain lines with <paramref name="plain"/> or when redirected).</summary>
        private static TrainingResult RunWithProgress(DiffusionTrainer trainer, Checkpoint? from, bool plain, CancellationToken cancellation) =>
            ProgressDisplay.Run("train", display =>
            {
                trainer.Message += display.Note;
                trainer.StepCompleted += s => display.Update(s.Step, s.TotalSteps, $"step {s.Step}/{s.TotalSteps} loss {s.SmoothedLoss:F4} lr {s.LearningRate:E2} {s.ImagesPerSecond:F1} img/s eta {s.Remaining:hh\\:mm\\:ss}");
                return trainer.Run(from, cancellation);
            }, plain);
    }
}
