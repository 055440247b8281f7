using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch.Models;
using TorchSharp;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// <c>livediffusion evaluate</c>: generates images from a model folder (or reads a folder of images made
    /// elsewhere) and measures them against the training images (Fréchet distance in TAESD feature space with
    /// real-vs-real and trivial baselines, nearest-neighbour distances for memorisation, seam scores for tileability).
    /// </summary>
    internal static class EvaluateCommand
    {
        public static Command Create()
        {
            var model = new Option<string?>("--model") { Description = "Model folder written by `livediffusion train` (model_index.json, unet/, scheduler/). Default, without --images: the built-in texture model, as for generate." };
            var images = new Option<string?>("--images") { Description = "Measure images that already exist instead of generating: a folder of images (with --class-conditional, one subfolder per class, named as in --data). Needs --size. Put only the images to measure there (not contact sheets)." };
            var size = new Option<int>("--size") { Description = "With --images: the side length both sets are compared at (images are resized and centre-cropped to it, as for training; e.g. 32 for the built-in model)." };
            var data = new Option<string>("--data") { Description = "Folder of the real (training) images to compare with.", Required = true };
            var count = new Option<int>("--count") { Description = "Images to generate (shared out over the classes by --class-mix with --class-conditional).", DefaultValueFactory = _ => 256 };
            var steps = new Option<int?>("--steps") { Description = "Denoising steps per image. Default: the model folder's (model_index.json _sampling_steps), else 25." };
            var scheduler = new Option<string>("--scheduler") { Description = "Scheduler (dpm++2m, dpm++2m-sde, ddim, ddpm, euler, euler-a, pndm, lcm or a diffusers class name), configured from the model folder.", DefaultValueFactory = _ => TextureRequest.DefaultScheduler };
            var seed = new Option<ulong>("--seed") { Description = "Seed: image i starts from noise seeded with seed + i; the real/real split and the trivial baseline derive from it.", DefaultValueFactory = _ => 0UL };
            var taesd = new Option<string?>("--taesd") { Description = "Folder with taesd_encoder.safetensors (default: $LIVEDIFFUSION_SHARED_DATA/taesd, or shared/data/taesd found above the current directory)." };
            var classes = new Option<bool>("--class-conditional") { Description = "Subfolders of --data are classes: generate images for each class and compare class by class too." };
            var mix = new Option<string>("--class-mix") { Description = "With --class-conditional: data (images per class in proportion to the data's classes, the mix the overall figure compares with) or even (count/classes each).", DefaultValueFactory = _ => "data" };
            mix.AcceptOnlyFromAmong("data", "even");
            var guidance = new Option<float?>("--guidance") { Description = "Classifier-free guidance scale with --class-conditional (1: none; the default unless the model has a guide UNet)." };
            var autoguidance = new Option<float?>("--autoguidance") { Description = "Autoguidance scale (1: off). Default: the model folder's tuned scale when it has a guide UNet (guide_unet/) and --guidance is not given." };
            var interval = new Option<string?>("--guidance-interval") { Description = "Guide only at timesteps LOW..HIGH of the 0-999 training schedule (e.g. 0..400), the model alone elsewhere; 'all' for every step. Default: the model folder's interval with its autoguidance scale, else every step." };
            var guide = new Option<string?>("--guide-model") { Description = "Guide with the UNet of this model folder instead of the model's own guide_unet/ (a smaller, shorter-trained model of the same data; for trying guides before attaching one with `livediffusion guide`)." };
            var batch = new Option<int>("--batch") { Description = "Images per model call.", DefaultValueFactory = _ => 32 };
            var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch (0: all cores).", DefaultValueFactory = _ => 0 };
            var json = new Option<bool>("--json") { Description = "Print the results as JSON (progress goes to stderr)." };
            var padding = new Option<string>("--padding") { Description = "Convolution padding to run the model with: model (as trained), zeros or circular. Zeros shows what a circular model does where convolutions cannot wrap.", DefaultValueFactory = _ => "model" };
            padding.AcceptOnlyFromAmong("model", "zeros", "circular");
            var splits = new Option<int>("--splits") { Description = "Seeded splits of the real images into two halves that the real-vs-real floor and the like-for-like comparison average over (one split alone moves a great deal on a few hundred images; distances only, no extra TAESD work).", DefaultValueFactory = _ => EvaluationOptions.DefaultSplits };
            var roll = new Option<bool>("--tile-by-rolling") { Description = "Roll the latents by a random offset every step (seamless output without circular padding); compare seam scores with and without." };

            var command = new Command("evaluate", "Measure a trained model, or a folder of images: Fréchet distance in TAESD feature space against the training images (with real-vs-real and trivial baselines), nearest-training-image distances, seam scores.")
            {
                model, images, size, data, count, steps, scheduler, seed, taesd, classes, mix, guidance, autoguidance, interval, guide, batch, threads, json, padding, roll, splits,
            };

            command.SetAction(parse =>
            {
                try
                {
                    if (parse.GetValue(splits) < 1)
                    {
                        Console.Error.WriteLine($"error: --splits {parse.GetValue(splits)}: use 1 or more (the real-vs-real floor is averaged over that many seeded splits).");
                        return 2;
                    }

                    string? modelPath = parse.GetValue(model);
                    string? imagesPath = parse.GetValue(images);
                    if (modelPath != null && imagesPath != null)
                    {
                        Console.Error.WriteLine("error: --model and --images both given: measure one at a time (--model generates the images, --images reads them).");
                        return 2;
                    }

                    if (imagesPath != null)
                    {
                        string[] generationOnly = new Option[] { count, steps, scheduler, mix, guidance, autoguidance, interval, guide, batch, threads, padding, roll }
                            .Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                        if (generationOnly.Length > 0)
                        {
                            Console.Error.WriteLine($"error: {string.Join(", ", generationOnly)} set how images are generated; --images measures images as they are. Drop them, or pass --model to generate.");
                            return 2;
                        }

                        return RunImages(imagesPath, parse.GetValue(data)!, parse.GetValue(size), parse.GetValue(seed), parse.GetValue(splits), parse.GetValue(taesd), parse.GetValue(classes), parse.GetValue(json));
                    }

                    if (parse.GetResult(size) != null)
                    {
                        Console.Error.WriteLine("error: --size is for --images; a model is measured at its own sample size (unet/config.json).");
                        return 2;
                    }

                    return Run(new ModelEvaluation(
                        modelPath ?? BuiltInModels.Locate(), parse.GetValue(data)!, parse.GetValue(count), parse.GetValue(steps), parse.GetValue(scheduler)!,
                        parse.GetValue(seed), parse.GetValue(splits), parse.GetValue(taesd), parse.GetValue(classes), parse.GetValue(mix) == "even" ? ClassMix.Even : ClassMix.Data,
                        parse.GetValue(guidance), parse.GetValue(autoguidance), parse.GetValue(interval), parse.GetValue(guide), parse.GetValue(batch),
                        parse.GetValue(threads), parse.GetValue(json), parse.GetValue(padding)!, parse.GetValue(roll)));
                }
                catch (Exception e) when (e is ModelConfigException || e is SchedulerConfigException || e is DirectoryNotFoundException || e is InvalidDataException || e is FileNotFoundException || e is ArgumentException)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }
            });
            return command;
        }

        private static int Run(ModelEvaluation request)
        {
            string[] problems = new[]
            {
                request.Count < 2 ? $"--count {request.Count}: use 2 or more (distances need at least two images)." : null,
                request.Steps < 1 || request.Steps > TextureRequest.MaxSteps ? $"--steps {request.Steps}: use 1 to {TextureRequest.MaxSteps}." : null,
                request.Batch < 1 ? $"--batch {request.Batch}: use 1 or more images per model call." : null,
                request.Threads < 0 ? $"--threads {request.Threads}: use 0 (all cores) or more." : null,
            }.OfType<string>().ToArray();
            if (problems.Length > 0)
            {
                Array.ForEach(problems, p => Console.Error.WriteLine("error: " + p));
                return 2;
            }

            if (request.Threads > 0)
            {
                torch.set_num_threads(request.Threads);
            }

            Action<string> say = request.Json ? m => Console.Error.WriteLine(m) : m => Console.WriteLine(m);
            ModelFolder folder = ModelFolder.Open(request.ModelPath);
            int steps = request.Steps ?? folder.SamplingSteps ?? TextureRequest.DefaultSteps;
            Scheduler sampler = SchedulerRegistry.Configure(folder.Scheduler, request.Scheduler).CreateScheduler();
            string samplerName = SchedulerRegistry.NameOf(sampler.Config);
            string taesdPath = TaesdLocator.Find(request.Taesd, Environment.CurrentDirectory, Environment.GetEnvironmentVariable(TaesdLocator.SharedDataVariable));
            ImageFolderDataset dataset = LoadImages("data", request.DataPath, folder.UNet.SampleSize, request.ClassConditional, say);
            int[]? modelLabels = ModelLabels(folder, dataset, request.ClassConditional, request.DataPath, say);
            EvaluationData evaluationData = EvaluationData.FromDataset(dataset, folder.UNet.SampleSize);
            using TaesdEncoder encoder = TaesdEncoder.Load(Path.Combine(taesdPath, TaesdEncoder.WeightsFileName));
            using TextureGenerator generator = TorchTextureGenerator.Load(RunFolder(folder, request));
            GuidanceChoice choice = GuidanceChoice.Resolve(request.Guidance, request.Autoguidance, request.GuidanceInterval, generator, 1f);
            if (request.GuidePath != null && choice.AutoguidanceScale == 1f)
            {
                throw new ArgumentException("--guide-model is used only by autoguidance: give --autoguidance <scale> too.");
            }

            IDenoiser? guide = choice.AutoguidanceScale == 1f ? null : generator.Guide;
            string? guideName = guide != null ? generator.Model.GuideUNetFolder : null;
            SayGuidance(say, choice, guide, guideName);
            say($"model: {folder.Path} ({generator.Denoiser.Info.Name}, {folder.Scheduler.PredictionType} prediction{(request.Padding != "model" ? $", run with {request.Padding} padding" : string.Empty)}{(request.TileByRolling ? ", latents rolled every step" : string.Empty)}); {request.Count} images, {steps} steps of {samplerName}, seed {request.Seed}; TAESD from {taesdPath}");

            var evaluator = new ModelEvaluator(new TaesdFeatureExtractor(encoder, batchSize: 32));
            var options = new EvaluationOptions
            {
                Count = request.Count,
                Steps = steps,
                Seed = request.Seed,
                BatchSize = request.Batch,
                ClassConditional = request.ClassConditional,
                Mix = request.Mix,
                ModelClassLabels = modelLabels,
                GuidanceScale = choice.ClassifierFreeScale,
                AutoguidanceScale = choice.AutoguidanceScale,
                GuidanceInterval = choice.Interval,
                TileByRolling = request.TileByRolling,
                MatchedSplits = request.Splits,
            };
            return Report(request.Json, evaluator, cancellation => evaluator.Run(generator.Denoiser, sampler, evaluationData, options, folder.Path, cancellation, guide, guideName));
        }

        /// <summary>The folder as the request runs it: another folder's UNet as the guide (--guide-model), another padding (--padding).</summary>
        private static ModelFolder RunFolder(ModelFolder folder, ModelEvaluation request)
        {
            ModelFolder run = request.GuidePath != null ? folder.WithGuide(ModelFolder.Open(request.GuidePath)) : folder;
            return request.Padding switch
            {
                "zeros" => run.WithPadding(PaddingMode.Zeros),
                "circular" => run.WithPadding(PaddingMode.Circular),
                _ => run,
            };
        }

        private static void SayGuidance(Action<string> say, GuidanceChoice choice, IDenoiser? guide, string? guideName)
        {
            if (guide != null)
            {
                say($"guidance: autoguidance {choice.AutoguidanceScale.ToString(CultureInfo.InvariantCulture)} by {guideName} ({guide.Info.Name}){(choice.Interval is { } range ? $" at timesteps {GuidanceIntervals.Format(range)}" : string.Empty)}");
            }
            else if (choice.ClassifierFreeScale != 1f)
            {
                say($"guidance: classifier-free {choice.ClassifierFreeScale.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        /// <summary>The model's label for each class of the data (null without --class-conditional); checks the two fit.</summary>
        /// <exception cref="ModelConfigException">The model and the data's classes do not fit; the message says how.</exception>
        private static int[]? ModelLabels(ModelFolder folder, ImageFolderDataset dataset, bool classConditional, string dataPath, Action<string> say)
        {
            UNet2DConfig unet = folder.UNet;
            if (classConditional && !unet.IsClassConditional)
            {
                throw new ModelConfigException($"--class-conditional: the model in {folder.Path} is unconditional (unet/config.json has no num_class_embeds). Evaluate it without --class-conditional.");
            }

            int[]? modelLabels = null;
            if (classConditional)
            {
                modelLabels = new int[dataset.ClassNames.Count];
                int classCount = unet.NumClassEmbeds!.Value - (unet.UnconditionalClass.HasValue ? 1 : 0);
                for (int c = 0; c < modelLabels.Length; c++)
                {
                    modelLabels[c] = unet.ClassNames.Count > 0 ? unet.ClassIndex(dataset.ClassNames[c]) : c;
                    if (modelLabels[c] >= classCount)
                    {
                        throw new ModelConfigException($"{Path.Combine(dataPath, dataset.ClassNames[c])}: class {c} has no label in the model ({classCount} classes in {Path.Combine(folder.UNetFolder, "config.json")}). Use the data folder the model was trained on.");
                    }
                }
            }
            else if (unet.IsClassConditional)
            {
                if (!unet.UnconditionalClass.HasValue)
                {
                    throw new ModelConfigException($"The model in {folder.Path} is class-conditional without a 'no class' embedding: pass --class-conditional with the class-per-subfolder data it was trained on.");
                }

                say("note: the model is class-conditional; generating with its 'no class' embedding (pass --class-conditional to compare class by class).");
            }

            return modelLabels;
        }

        /// <summary>What `evaluate --model` was asked: the model, the data, the generation and the report's form.</summary>
        private sealed record ModelEvaluation(
            string ModelPath, string DataPath, int Count, int? Steps, string Scheduler, ulong Seed, int Splits, string? Taesd, bool ClassConditional, ClassMix Mix,
            float? Guidance, float? Autoguidance, string? GuidanceInterval, string? GuidePath, int Batch, int Threads, bool Json, string Padding, bool TileByRolling);

        private static int RunImages(string imagesPath, string dataPath, int size, ulong seed, int splits, string? taesdFolder, bool classConditional, bool asJson)
        {
            if (size < 8)
            {
                Console.Error.WriteLine(size == 0
                    ? "error: --images needs --size: the side length to compare at (e.g. 32 for the built-in model's textures)."
                    : $"error: --size {size}: use 8 or more (the side length to compare at, e.g. 32).");
                return 2;
            }

            Action<string> say = asJson ? m => Console.Error.WriteLine(m) : m => Console.WriteLine(m);
            string taesdPath = TaesdLocator.Find(taesdFolder, Environment.CurrentDirectory, Environment.GetEnvironmentVariable(TaesdLocator.SharedDataVariable));
            ImageFolderDataset dataset = LoadImages("data", dataPath, size, classConditional, say);
            ImageFolderDataset candidates = LoadImages("images", imagesPath, size, classConditional, say);
            if (candidates.Count < 2)
            {
                throw new InvalidDataException($"{candidates.Folder}: found {candidates.Count} image; measuring needs at least 2.");
            }

            // Each class of the images is the data's class of the same name.
            var dataClasses = dataset.ClassNames.ToList();
            var labels = new int[candidates.Count];
            for (int i = 0; i < candidates.Count; i++)
            {
                string? name = classConditional ? candidates.ClassNames[candidates.Label(i)] : null;
                int label = name == null ? 0 : dataClasses.IndexOf(name);
                if (label < 0)
                {
                    throw new InvalidDataException($"{Path.Combine(candidates.Folder, name!)}: no class '{name}' in {dataset.Folder}; the classes there are {string.Join(", ", dataset.ClassNames)}. Name the subfolders of --images after them.");
                }

                labels[i] = label;
            }

            EvaluationData real = EvaluationData.FromDataset(dataset, size);
            EvaluationData measured = EvaluationData.FromDataset(candidates, size);
            using TaesdEncoder encoder = TaesdEncoder.Load(Path.Combine(taesdPath, TaesdEncoder.WeightsFileName));
            say($"images: {measured.Images.Count} from {candidates.Folder}, compared at {size}x{size}, seed {seed}; TAESD from {taesdPath}");
            var evaluator = new ModelEvaluator(new TaesdFeatureExtractor(encoder, batchSize: 32));
            return Report(asJson, evaluator, cancellation => evaluator.Measure(
                measured.Images,
                labels,
                real,
                new EvaluationOptions { Count = measured.Images.Count, Seed = seed, ClassConditional = classConditional, MatchedSplits = splits },
                candidates.Folder,
                string.Empty,
                cancellation: cancellation) with { FromImages = true, Steps = 0, ClassMix = null });
        }

        /// <summary>Loads a folder of images as the evaluation sees them (alpha over black, resized and centre-cropped to <paramref name="size"/>) and says what it found.</summary>
        private static ImageFolderDataset LoadImages(string what, string folder, int size, bool classConditional, Action<string> say)
        {
            var dataset = ImageFolderDataset.Load(folder, new DatasetOptions { Size = size, ClassConditional = classConditional, Alpha = AlphaMode.Composite });
            say($"{what}: {dataset.Count} images from {dataset.Folder}" + (dataset.ClassNames.Count > 0 ? $" in classes {string.Join(", ", dataset.ClassNames.Zip(dataset.ClassCounts, (n, c) => $"{n} ({c})"))}" : string.Empty)
                + (dataset.Skipped.Count > 0 ? $"; {dataset.Skipped.Count} file(s) skipped (first: {dataset.Skipped[0].Path}: {dataset.Skipped[0].Reason})" : string.Empty));
            return dataset;
        }

        /// <summary>
        /// Runs a measurement that Ctrl+C can cancel, with the progress display following <paramref name="evaluator"/>
        /// (on stderr with <paramref name="asJson"/>, so stdout holds only the JSON), and prints its report (130 when cancelled).
        /// </summary>
        private static int Report(bool asJson, ModelEvaluator evaluator, Func<CancellationToken, EvaluationReport> measure)
        {
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            EvaluationReport report;
            try
            {
                report = JsonStdout.Run(asJson, _ => ProgressDisplay.Run("evaluate", display =>
                {
                    evaluator.Progress += p => display.Update(p.Done, p.Total, p.Status);
                    return measure(cancellation.Token);
                }));
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled.");
                return 130;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            Console.WriteLine(asJson ? report.ToJson() : FormatTable(report));
            return 0;
        }

        /// <summary>The report as an aligned plain-text table.</summary>
        internal static string FormatTable(EvaluationReport r)
        {
            var rows = new List<(string Name, string Value, string Note)>
            {
                ("FD generated vs train", F(r.FdGeneratedVsTrain), $"{r.GeneratedCount} {(r.FromImages ? "measured" : "generated")} vs {r.TrainCount} real"),
                ("  of which the means", F(r.FdMeanTerm), "|mean gen - mean real|²: the sets' offset; the rest is the shape of their spread"),
                ("spread generated / real", F(r.SpreadRatio), "total feature variance; below 1 less varied than the data, above 1 more scattered"),
                ("FD real half vs real half", F(r.FdRealVsReal), $"{r.RealHalfA} vs {r.RealHalfB}, mean of {r.MatchedSplits} seeded splits (± {F(r.FdRealVsRealSpread)}; first split {F(r.FdRealVsRealFirstSplit)}): the floor"),
                ("FD trivial vs train", F(r.FdTrivialVsTrain), $"{r.GeneratedCount} per-pixel Gaussian samples: the ceiling"),
                ("ratio FD / real-real", F(r.RatioToRealVsReal), $"trivial: {F(r.TrivialRatioToRealVsReal)} (set sizes differ: read the matched rows)"),
                ($"FD {r.MatchedCount} generated vs half B", F(r.MatchedFdGeneratedVsHalfB), $"like-for-like: {r.MatchedCount} images per side vs the same half B, mean of {r.MatchedSplits} splits"),
                ($"FD {r.MatchedCount} real (half A) vs half B", F(r.MatchedFdRealVsHalfB), $"the floor at these sizes (± {F(r.MatchedFdRealSpread)} over splits)"),
                ($"FD {r.MatchedCount} trivial vs half B", F(r.MatchedFdTrivialVsHalfB), "the ceiling at these sizes"),
                ("matched ratio", F(r.MatchedRatio), $"trivial: {F(r.MatchedTrivialRatio)}; 1 = as close as held-out real images, lower is better"),
                ("NN generated -> train", Nn(r.NearestGeneratedVsTrain), "min / median / mean L2, [0,1] pixels"),
                ("NN generated -> half B", Nn(r.NearestGeneratedVsHalfB), "like-for-like with the next row"),
                ("NN real half A -> half B", Nn(r.NearestRealHeldOut), "held-out real images"),
                ("seam generated", Seam(r.SeamGenerated), "mean / median; ~1 seamless, >>1 visible seam"),
                ("seam train", Seam(r.SeamTrain), "mean / median"),
                ("time", $"{r.TotalSeconds:F1} s", $"generation {r.GenerationSeconds:F1} s, TAESD {r.FeatureSeconds:F1} s, metrics {r.MetricSeconds:F1} s"),
            };
            var text = new StringBuilder();
            string source = r.FromImages
                ? $"{r.Model}: {r.GeneratedCount} images read from the folder"
                : $"{r.Model}: {r.GeneratedCount} images{(r.ClassMix != null ? $" ({r.ClassMix} class mix)" : string.Empty)}, {r.Steps} steps {r.Scheduler}"
                  + (r.Guide != null ? $", autoguidance {r.Autoguidance.ToString(CultureInfo.InvariantCulture)} by {r.Guide}" : r.Guidance != 1f ? $", guidance {r.Guidance.ToString(CultureInfo.InvariantCulture)}" : string.Empty)
                  + (r.GuidanceInterval != null && (r.Guide != null || r.Guidance != 1f) ? $" at timesteps {r.GuidanceInterval}" : string.Empty);
            text.AppendLine(CultureInfo.InvariantCulture, $"{source}, seed {r.Seed}, {r.ImageSize}x{r.ImageSize}; features: TAESD encoder stage means ({r.FeatureDimension}), images upscaled x{r.FeatureUpscale} nearest; NN over {(r.NearestAllOrientations ? "8 flips/rotations" : "the image as is")}");
            int nameWidth = rows.Max(x => x.Name.Length);
            int valueWidth = rows.Max(x => x.Value.Length);
            foreach ((string name, string value, string note) in rows)
            {
                text.AppendLine($"  {name.PadRight(nameWidth)}  {value.PadLeft(valueWidth)}  {note}");
            }

            if (r.Classes.Count > 0)
            {
                text.AppendLine("  per class: class (label)  generated/real  FD gen vs train (means part, spread ratio)  FD real-real  ratio | matched k: FD gen  FD real  ratio | NN median gen  real");
                foreach (ClassEvaluation c in r.Classes)
                {
                    text.AppendLine($"    {c.Name} ({c.ModelLabel})  {c.GeneratedCount}/{c.TrainCount}  {F(c.FdGeneratedVsTrain)} ({F(c.FdMeanTerm)}, {F(c.SpreadRatio)})  {F(c.FdRealVsReal)}  {F(c.Ratio)} | {c.MatchedCount}: {F(c.MatchedFdGenerated)}  {F(c.MatchedFdReal)}  {F(c.MatchedRatio)} | {F(c.NearestGenerated.Median)}  {F(c.NearestRealHeldOut.Median)}");
                }
            }

            return text.ToString().TrimEnd();
        }

        private static string F(double value) => double.IsFinite(value) ? value.ToString(Math.Abs(value) >= 100 ? "F1" : "F4", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

        private static string Nn(ValueSummary s) => $"{F(s.Min)} / {F(s.Median)} / {F(s.Mean)}";

        private static string Seam(ValueSummary s) => $"{F(s.Mean)} / {F(s.Median)}";
    }
}
