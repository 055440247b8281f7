using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion generate</c>: textures from the built-in model or a trained model folder.</summary>
    internal static class GenerateCommand
    {
        private static int Reproduce(TextureGenerator generator, string recipePath, string outDir)
        {
            GenerationRecipe recipe;
            TextureRequest request;
            try
            {
                IReadOnlyDictionary<string, string> text = PngTextChunks.Read(File.ReadAllBytes(recipePath), w => Console.Error.WriteLine($"warning: {recipePath}: {w}"));
                if (!text.TryGetValue("parameters", out string? parameters))
                {
                    Console.Error.WriteLine($"error: {recipePath} has no 'parameters' text chunk: it was not written by a generator that records its recipe.");
                    return 2;
                }

                recipe = GenerationRecipe.Parse(parameters);
                request = TextureGenerator.RequestFromRecipe(recipe);
                string? recipeModel = recipe["Model"];
                string loaded = Path.GetFileName(generator.Model.Path.TrimEnd('/', '\\'));
                if (recipeModel != null && recipeModel != loaded)
                {
                    Console.Error.WriteLine($"warning: the recipe was made with model '{recipeModel}', this is '{loaded}'; pass --model <folder of {recipeModel}> to reproduce it exactly.");
                }
            }
            catch (Exception e) when (e is IOException || e is FormatException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: --recipe-from {recipePath}: {e.Message}");
                return 2;
            }

            // Named by the one rule for texture files (a class name from a model's config never steers the path).
            GeneratedTextures result = generator.Reproduce(recipe);
            var texture = new TextureRequest { ClassName = request.ClassName, Seed = request.Seed + (ulong)TextureGenerator.BatchPosition(recipe) };
            string file = TextureFiles.Save(result, texture, outDir)[0];
            Console.WriteLine($"reproduced {recipePath} as {file}");
            return 0;
        }

        /// <summary>The options both kinds of model take.</summary>
        internal sealed class CommonOptions
        {
            public Option<string?> Model { get; } = new("--model") { Description = "Model folder: one of ours (model_index.json, unet/, scheduler/) or a Stable Diffusion ONNX folder (diffusers or Optimum export). Default: the built-in dungeon texture model." };

            public Option<int?> Count { get; } = new("--count") { Description = "Number of images (default: 16 textures, 1 Stable Diffusion image)." };

            public Option<string> Output { get; } = new("--out") { Description = "Output folder.", DefaultValueFactory = _ => "textures" };

            public Option<ulong> Seed { get; } = new("--seed") { Description = "Seed of the first image (image i uses seed + i).", DefaultValueFactory = _ => 7UL };

            public Option<int> Size { get; } = new("--size") { Description = "Width and height in pixels (0: the model's size; larger sizes work, see the model card).", DefaultValueFactory = _ => 0 };

            public Option<int?> Steps { get; } = new("--steps") { Description = "Denoising steps. Default: the model folder's (model_index.json _sampling_steps; the built-in model's: 40), else 25." };

            public Option<string?> Scheduler { get; } = new("--scheduler") { Description = "Scheduler: ddpm, ddim, pndm, euler, euler-a, dpm++2m, dpm++2m-sde, lcm or a diffusers class name (default: dpm++2m for texture models, configured from the model folder; the folder's own for Stable Diffusion)." };

            public Option<float?> Guidance { get; } = new("--guidance") { Description = "Classifier-free guidance scale (default: 1.5 for class-conditional texture models, 7.5 for Stable Diffusion; 1: none)." };

            public Option<string?> RecipeFrom { get; } = new("--recipe-from") { Description = "Reproduce the image whose PNG carries this recipe (prompt, seed, steps, sampler, guidance, size, class); other options are ignored except --model, --out and the images an image-to-image recipe started from." };

            public Option<bool> Live { get; } = new("--live") { Description = "Watch every denoising step: a window (x_t | predicted x0) when $DISPLAY or $WAYLAND_DISPLAY is set, else a PNG per step (<out>/live/frames) and a contact sheet of the steps. Steps are recorded to <out>/live for `livediffusion view`." };

            public Option<bool> Headless { get; } = new("--headless") { Description = "With --live: write the step PNGs even when a display exists (no window)." };

            public Option<bool> Hold { get; } = new("--hold") { Description = "With --live: keep the window open after the last step until you close it." };

            public Option<string> View { get; } = new("--view") { Description = "With --live: the first view: image, channels (false colour), tiled (3x3) or decoded (TAESD, Stable Diffusion models).", DefaultValueFactory = _ => "image" };
        }

        /// <summary>Starts the live consumers (window or headless recorder) for a generation, with its run description saved beside the recording.</summary>
        internal static LiveSession StartLive(string modelName, string modelPath, LatentEncoding encoding, IPreviewDecoder? decoder, string outDir, ulong seed, int count,
                                              ParseResult parse, CommonOptions common, int steps, string scheduler, CancellationToken cancel, IDictionary<string, string>? extra = null)
        {
            string seeds = count == 1 ? seed.ToString(CultureInfo.InvariantCulture) : $"{seed}..{seed + (ulong)count - 1}";
            LatentView view = LiveSession.ParseView(parse.GetValue(common.View)!);
            if (view == LatentView.Decoded && decoder == null)
            {
                throw new ArgumentException("--view decoded shows TAESD-decoded Stable Diffusion latents: it needs a Stable Diffusion model and TAESD weights (--taesd).");
            }

            var options = new LiveViewerOptions
            {
                Model = modelName,
                Seed = seeds,
                Encoding = encoding,
                Decoder = decoder,
                View = view,
                SaveFolder = Path.Combine(outDir, "live"),
                HoldAfterCompletion = parse.GetValue(common.Hold),
                Log = Console.WriteLine,
            };
            var run = new Dictionary<string, string>
            {
                ["model"] = modelName,
                ["model_path"] = modelPath,
                ["seed"] = seeds,
                ["encoding"] = encoding == LatentEncoding.StableDiffusion1 ? "sd1" : "pixels",
                ["steps"] = steps.ToString(CultureInfo.InvariantCulture),
                ["scheduler"] = scheduler,
            };
            foreach (KeyValuePair<string, string> pair in extra ?? new Dictionary<string, string>())
            {
                run[pair.Key] = pair.Value;
            }

            LiveSession session = LiveSession.Start(Path.Combine(outDir, "live"), options, parse.GetValue(common.Headless), cancel, run);
            Console.WriteLine(session.Windowed
                ? "live: watching in a window (close it to cancel)"
                : $"live: no window ({(LiveSession.HasDisplay ? "--headless" : "no $DISPLAY or $WAYLAND_DISPLAY")}); recording the steps, drawn to {Path.Combine(session.Folder, "frames")} when the generation ends");
            return session;
        }

        /// <summary>
        /// Writes <c>contact-sheet.png</c> (all images side by side, small ones enlarged) when there is more than one
        /// image and, with <paramref name="tiledPreview"/>, <c>tiled-preview.png</c> (each image repeated 2x2, so seams
        /// show), and says where.
        /// </summary>
        internal static void WriteOverviews(string outDir, IReadOnlyList<RgbImage> images, bool tiledPreview)
        {
            int scale = Math.Max(1, 128 / images[0].Width);
            if (images.Count > 1)
            {
                string sheet = Path.Combine(outDir, "contact-sheet.png");
                PngFile.Write(sheet, ContactSheet.Compose(images, gap: 4, scale: scale));
                Console.WriteLine($"contact sheet: {sheet}");
            }

            if (tiledPreview)
            {
                string tiled = Path.Combine(outDir, "tiled-preview.png");
                PngFile.Write(tiled, ContactSheet.Compose(images.Select(i => i.Tile(2, 2)).ToArray(), gap: 8, scale: Math.Max(1, scale / 2)));
                Console.WriteLine($"tiled preview (each image repeated 2x2): {tiled}");
            }
        }

        public static Command Create()
        {
            var common = new CommonOptions();
            var stableDiffusion = new StableDiffusionGenerate();
            var className = new Option<string?>("--class") { Description = "Class for class-conditional models (built-in: floor or wall). Default: alternate between all classes." };
            var backend = new Option<string>("--backend") { Description = "Inference backend for texture models: torch (TorchSharp) or onnx (ONNX Runtime; uses unet/model.onnx, or exports the UNet in memory). Stable Diffusion folders always run on ONNX Runtime.", DefaultValueFactory = _ => "torch" };
            backend.AcceptOnlyFromAmong(ModelBackends.Names);
            var guidanceInterval = new Option<string?>("--guidance-interval") { Description = "Guide only at timesteps LOW..HIGH of the 0-999 training schedule (e.g. 0..400: the low-noise steps where detail is settled), the model alone elsewhere; 'all' for every step. Default: the model folder's interval with its autoguidance scale, else every step." };
            var autoguidance = new Option<float?>("--autoguidance") { Description = "Autoguidance scale for texture models with a guide UNet (guide_unet/, a smaller and shorter-trained model that the model is steered away from; the built-in model has one). Default: the folder's tuned scale, unless --guidance asks for classifier-free guidance instead. 1: off." };
            var json = new Option<bool>("--json") { Description = "When done, print one JSON object on stdout (files with class, seed and recipe; count; seconds); everything else goes to stderr." };
            var batch = new Option<int?>("--batch") { Description = "Texture models: textures per batch; each batch's PNGs are written as it finishes (default: the backend's measured best, see the README)." };
            var command = new Command("generate", "Generate tileable textures with the built-in or a trained model, or images with a Stable Diffusion ONNX folder (--prompt); PNGs carry their recipe in a text chunk; --live shows every step as it happens.")
            {
                common.Model, common.Count, common.Output, common.Seed, className, common.Size, common.Steps, common.Scheduler, common.Guidance, autoguidance, guidanceInterval, backend,
                batch, json, common.RecipeFrom, common.Live, common.Headless, common.Hold, common.View,
            };
            foreach (Option option in stableDiffusion.Options)
            {
                command.Options.Add(option);
            }

            command.SetAction(parse =>
            {
                string outDir = Path.GetFullPath(parse.GetValue(common.Output)!);
                if (ErrorText.RefuseFileAsFolder("--out", outDir))
                {
                    return 2;
                }

                string? modelPath = parse.GetValue(common.Model);
                if (modelPath != null && StableDiffusionOnnxFolder.LooksLikeStableDiffusion(modelPath))
                {
                    if (parse.GetResult(autoguidance) is { Implicit: false })
                    {
                        Console.Error.WriteLine("error: --autoguidance is for texture models with a guide UNet; Stable Diffusion folders take --guidance.");
                        return 2;
                    }

                    return JsonStdout.Run(parse.GetValue(json), stdout => stableDiffusion.Run(parse, common, modelPath, outDir, stdout));
                }

                string[] sdOnly = stableDiffusion.GivenOnlyForStableDiffusion(parse).ToArray();
                if (sdOnly.Length > 0 && modelPath != null && !File.Exists(Path.Combine(modelPath, "model_index.json")))
                {
                    Console.Error.WriteLine($"error: --model {Path.GetFullPath(modelPath)} is not a model folder (no model_index.json): pass a Stable Diffusion ONNX folder (diffusers or Optimum export) for {string.Join(", ", sdOnly)}.");
                    return 2;
                }

                if (sdOnly.Length > 0)
                {
                    Console.Error.WriteLine($"error: {string.Join(", ", sdOnly)} {(sdOnly.Length == 1 ? "is" : "are")} for Stable Diffusion folders; {modelPath ?? "the built-in model"} is a texture model. Pass --model <Stable Diffusion ONNX folder>, or leave {(sdOnly.Length == 1 ? "it" : "them")} out.");
                    return 2;
                }

                int n = parse.GetValue(common.Count) ?? 16;
                if (n < 1)
                {
                    Console.Error.WriteLine("error: --count must be at least 1.");
                    return 2;
                }

                if (parse.GetValue(batch) is int b && (b < 1 || b > TextureGenerator.MaxRecipeBatch))
                {
                    Console.Error.WriteLine($"error: --batch must be 1 to {TextureGenerator.MaxRecipeBatch}.");
                    return 2;
                }

                var texture = new TextureOptions(className, autoguidance, guidanceInterval, stableDiffusion.Tileable, batch);
                return JsonStdout.Run(parse.GetValue(json), stdout => OpenAndGenerate(parse, common, texture, modelPath, parse.GetValue(backend)!, n, outDir, stdout));
            });
            return command;
        }

        /// <summary>Opens the texture model on its backend and generates (or reproduces a recipe); <paramref name="json"/>, when given, receives the JSON summary.</summary>
        private static int OpenAndGenerate(ParseResult parse, CommonOptions common, TextureOptions texture, string? modelPath, string backend, int n, string outDir, TextWriter? json)
        {
            TextureGenerator generator;
            try
            {
                generator = ModelBackends.Open(modelPath, backend, Console.Out);
            }
            catch (Exception e) when (e is ModelConfigException || e is DirectoryNotFoundException || e is FileNotFoundException || e is InvalidDataException)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }

            using (generator)
            {
                string? recipePath = parse.GetValue(common.RecipeFrom);
                return recipePath != null
                    ? Reproduce(generator, recipePath, outDir)
                    : GenerateTextures(generator, parse, common, texture, n, outDir, json);
            }
        }

        /// <summary>One image written: its file, pixels, class (null for none), seed and recipe.</summary>
        internal sealed record WrittenTexture(string File, RgbImage Image, string? ClassName, ulong Seed, string Recipe);

        /// <summary>The <c>--json</c> summary: one line, <c>{"count":N,"seconds":S,"files":[{"path","class","seed","recipe"}...]}</c>.</summary>
        internal static string Summary(IReadOnlyList<WrittenTexture> written, TimeSpan elapsed)
        {
            var files = new System.Text.Json.Nodes.JsonArray();
            foreach (WrittenTexture texture in written)
            {
                files.Add(new System.Text.Json.Nodes.JsonObject
                {
                    ["path"] = texture.File,
                    ["class"] = texture.ClassName,
                    ["seed"] = texture.Seed,
                    ["recipe"] = texture.Recipe,
                });
            }

            return new System.Text.Json.Nodes.JsonObject { ["count"] = written.Count, ["seconds"] = Math.Round(elapsed.TotalSeconds, 2), ["files"] = files }.ToJsonString();
        }

        /// <summary>The texture-only options, beside <see cref="CommonOptions"/>.</summary>
        private sealed record TextureOptions(Option<string?> ClassName, Option<float?> Autoguidance, Option<string?> GuidanceInterval, Option<bool> Tileable, Option<int?> Batch);

        /// <summary>Parse → request → call → print for textures: the request from the options, the generation, the files and the summary.</summary>
        private static int GenerateTextures(TextureGenerator generator, ParseResult parse, CommonOptions common, TextureOptions texture, int count, string outDir, TextWriter? json)
        {
            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            TextureRequest all;
            try
            {
                all = Request(generator, parse, common, texture);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }

            string? requested = parse.GetValue(texture.ClassName);
            IReadOnlyList<string?> classes = requested != null
                ? new[] { requested }
                : generator.ClassNames.Count > 0 ? generator.ClassNames.ToArray() : new string?[] { null };
            IReadOnlyList<TextureRequest> shares = all.ShareOver(classes, count);
            string[] problems = shares.SelectMany(generator.Problems).Select(p => $"error: {OptionFor(p.Setting)}: {p.Message}").Distinct().ToArray();
            if (problems.Length > 0)
            {
                Array.ForEach(problems, Console.Error.WriteLine);
                return 2;
            }

            LiveSession? session;
            try
            {
                // TextureGenerator runs pixel-space model folders: the channels are RGB in [-1, 1].
                session = parse.GetValue(common.Live)
                    ? StartLive(Path.GetFileName(generator.Model.Path.TrimEnd('/', '\\')), generator.Model.Path, LatentEncoding.Pixels, null, outDir, all.Seed, count, parse, common, all.Steps, all.Scheduler, cancellation.Token)
                    : null;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }

            using LiveSession? live = session;
            var clock = Stopwatch.StartNew();
            List<WrittenTexture> written;
            try
            {
                int batchSize = parse.GetValue(texture.Batch) ?? generator.RecommendedBatchSize;
                TextureRequest[] batches = shares.SelectMany(r => r.InBatches(batchSize)).ToArray();
                written = Write(generator, batches, session == null ? null : session.Channel.Publish, session?.Token ?? cancellation.Token, outDir);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine(session != null && !cancellation.IsCancellationRequested ? "cancelled: the live window was closed." : "cancelled.");
                return 130;
            }

            session?.FinishAndReport(Console.Out);
            WriteOverviews(outDir, written.Select(w => w.Image).ToArray(), tiledPreview: true);
            Console.WriteLine($"wrote {written.Count} textures to {outDir} in {clock.Elapsed.TotalSeconds:F1} s");
            json?.WriteLine(Summary(written, clock.Elapsed));
            return 0;
        }

        /// <summary>The option that sets a <see cref="TextureRequest"/> property (<see cref="RequestProblem.Setting"/>).</summary>
        private static string OptionFor(string setting) => setting switch
        {
            nameof(TextureRequest.Count) => "--count",
            nameof(TextureRequest.ClassName) => "--class",
            nameof(TextureRequest.Size) => "--size",
            nameof(TextureRequest.Steps) => "--steps",
            nameof(TextureRequest.Scheduler) => "--scheduler",
            nameof(TextureRequest.GuidanceScale) => "--guidance",
            nameof(TextureRequest.AutoguidanceScale) => "--autoguidance",
            nameof(TextureRequest.GuidanceInterval) => "--guidance-interval",
            _ => "--" + setting.ToLowerInvariant(),
        };

        /// <summary>The request the options ask of <paramref name="generator"/>, guidance resolved against its folder; says what was chosen.</summary>
        /// <exception cref="ArgumentException">The guidance asked for cannot be run (see <see cref="GuidanceChoice.Resolve(float?, float?, string?, TextureGenerator, float)"/>).</exception>
        private static TextureRequest Request(TextureGenerator generator, ParseResult parse, CommonOptions common, TextureOptions texture)
        {
            Console.WriteLine($"model: {generator.Model.Path} ({generator.Denoiser.Info.Name}{(generator.Denoiser.Info.Tileable ? ", tileable" : string.Empty)})");
            GuidanceChoice guidance = GuidanceChoice.Resolve(parse.GetValue(common.Guidance), parse.GetValue(texture.Autoguidance), parse.GetValue(texture.GuidanceInterval), generator, TextureRequest.DefaultGuidanceScale);
            if (guidance.AutoguidanceScale != 1f)
            {
                Console.WriteLine($"guidance: autoguidance {guidance.AutoguidanceScale.ToString(CultureInfo.InvariantCulture)} by {ModelFolder.GuideComponent}/ ({generator.Guide!.Info.Name}){(guidance.Interval is { } range ? $" at timesteps {GuidanceIntervals.Format(range)}" : string.Empty)}{(guidance.IsFolderDefault ? ", the model's setting" : string.Empty)}");
            }

            bool asked = parse.GetValue(texture.Tileable);
            bool rolled = asked && !generator.Denoiser.Info.Tileable;
            if (asked)
            {
                Console.WriteLine(rolled
                    ? "tileable: the model pads with zeros, so the latents are rolled by a random offset every step."
                    : "note: --tileable: this model pads circularly, so its textures tile without rolling.");
            }

            return new TextureRequest
            {
                Seed = parse.GetValue(common.Seed),
                Size = parse.GetValue(common.Size),
                Steps = parse.GetValue(common.Steps) ?? generator.RecommendedSteps,
                Scheduler = parse.GetValue(common.Scheduler) ?? TextureRequest.DefaultScheduler,
                GuidanceScale = guidance.ClassifierFreeScale,
                AutoguidanceScale = guidance.AutoguidanceScale,
                GuidanceInterval = guidance.Interval,
                TileByRolling = rolled,
            };
        }

        /// <summary>
        /// Generates every request and writes each texture as <c>class-seed.png</c> with its recipe, with the progress
        /// display following every step and, for more than two batches, a line per batch written.
        /// </summary>
        private static List<WrittenTexture> Write(TextureGenerator generator, IReadOnlyList<TextureRequest> requests, Action<DenoisingStep>? onStep, CancellationToken token, string outDir) =>
            ProgressDisplay.Run("generate", display =>
            {
                var written = new List<WrittenTexture>();
                int total = requests.Sum(r => r.Count), batch = 0, batches = requests.Count;
                var clock = Stopwatch.StartNew();
                foreach (TextureRequest request in requests)
                {
                    GeneratedTextures result = generator.Generate(request, step =>
                    {
                        onStep?.Invoke(step);
                        double done = written.Count + (request.Count * (step.Index + 1.0) / step.Count);
                        display.Update(done, total, $"{written.Count}/{total} textures, batch {batch + 1}/{batches} step {step.Index + 1}/{step.Count}");
                    }, token);
                    IReadOnlyList<string> files = TextureFiles.Save(result, request, outDir);
                    for (int i = 0; i < result.Images.Count; i++)
                    {
                        written.Add(new WrittenTexture(files[i], result.Images[i], request.ClassName, request.Seed + (ulong)i, result.Recipes[i]));
                    }

                    batch++;
                    if (batches > 2)
                    {
                        // Long runs keep a line per batch written (the files exist from here on).
                        display.Note($"batch {batch}/{batches}{(request.ClassName != null ? $" ({request.ClassName})" : string.Empty)}: {written.Count}/{total} textures written, {clock.Elapsed.TotalSeconds:F1} s");
                    }
                }

                return written;
            });
    }
}
