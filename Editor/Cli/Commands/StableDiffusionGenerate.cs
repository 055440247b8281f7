using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// <c>livediffusion generate --model &lt;Stable Diffusion ONNX folder&gt; --prompt …</c>: text-to-image, image-to-image,
    /// inpainting and depth-to-image through <see cref="StableDiffusionPipeline"/>, with the recipe in every PNG,
    /// <c>--recipe-from</c> to reproduce one, and <c>--live</c> to watch the latents (SD 1.x colours or TAESD-decoded).
    /// </summary>
    internal sealed class StableDiffusionGenerate
    {
        public Option<string?> Prompt { get; } = new("--prompt") { Description = "Stable Diffusion models: what to draw." };

        public Option<string?> NegativePrompt { get; } = new("--negative-prompt") { Description = "Stable Diffusion models: what to steer away from (the unconditional branch of guidance)." };

        public Option<int> Width { get; } = new("--width") { Description = "Stable Diffusion models: width in pixels, a multiple of 8 (0: --size, else the init image's, else 512).", DefaultValueFactory = _ => 0 };

        public Option<int> Height { get; } = new("--height") { Description = "Stable Diffusion models: height in pixels, a multiple of 8 (0: --size, else the init image's, else 512).", DefaultValueFactory = _ => 0 };

        public Option<string?> InitImage { get; } = new("--init-image") { Description = "Stable Diffusion models: start from this image (image-to-image; with --mask, inpainting). PNG, JPEG, BMP or TGA." };

        public Option<float> Strength { get; } = new("--strength") { Description = "With --init-image: how much to change it, 0 (nothing) to 1 (everything).", DefaultValueFactory = _ => 0.8f };

        public Option<string?> Mask { get; } = new("--mask") { Description = "With --init-image: inpainting mask of the same size; white is repainted, black is kept." };

        public Option<string?> Depth { get; } = new("--depth") { Description = "Depth-to-image (5-channel depth UNets): a greyscale depth image, e.g. a depth buffer dump; normalised per image." };

        public Option<bool> Tileable { get; } = new("--tileable") { Description = "Seamless output from a model without circular padding (Stable Diffusion, or a texture model trained with zeros): the latents are rolled by a random offset every step. Circular texture models are seamless without it." };

        public Option<string?> Taesd { get; } = new("--taesd") { Description = "With --live on a Stable Diffusion model: folder with taesd_decoder.safetensors for the decoded view (default: shared/data/taesd when found)." };

        public IEnumerable<Option> Options => new Option[] { Prompt, NegativePrompt, Width, Height, InitImage, Strength, Mask, Depth, Tileable, Taesd };

        /// <summary>The options given that only Stable Diffusion models take (for a clear error on texture models).</summary>
        public IEnumerable<string> GivenOnlyForStableDiffusion(ParseResult parse) =>
            Options.Where(o => o != Taesd && o != Tileable && parse.GetResult(o) is { Implicit: false }).Select(o => o.Name);

        /// <summary>The option that sets a <see cref="StableDiffusionRequest"/> property (<see cref="RequestProblem.Setting"/>).</summary>
        private string OptionFor(string setting, ParseResult parse) => setting switch
        {
            nameof(StableDiffusionRequest.Count) => "--count",
            nameof(StableDiffusionRequest.Steps) => "--steps",
            nameof(StableDiffusionRequest.Width) => parse.GetResult(Width) is { Implicit: false } ? "--width" : "--size",
            nameof(StableDiffusionRequest.Height) => parse.GetResult(Height) is { Implicit: false } ? "--height" : "--size",
            nameof(StableDiffusionRequest.InitImage) => "--init-image",
            nameof(StableDiffusionRequest.Mask) => "--mask",
            nameof(StableDiffusionRequest.Depth) => "--depth",
            nameof(StableDiffusionRequest.Strength) => "--strength",
            nameof(StableDiffusionRequest.GuidanceScale) => "--guidance",
            _ => "--" + setting.ToLowerInvariant(),
        };

        /// <summary>Generates <paramref name="count"/> images from consecutive seeds, writing each PNG with its recipe as it finishes.</summary>
        private static List<GenerateCommand.WrittenTexture> GenerateEach(StableDiffusionPipeline pipeline, StableDiffusionRequest request, int count, string outDir, LiveSession? session, ProgressDisplay display, CancellationToken token)
        {
            var written = new List<GenerateCommand.WrittenTexture>();
            for (int i = 0; i < count; i++)
            {
                ulong seed = request.Seed + (ulong)i;
                var started = Stopwatch.StartNew();
                StableDiffusionResult result = pipeline.Generate(request with { Seed = seed }, step =>
                {
                    session?.Channel.Publish(step);
                    display.Update(i + ((step.Index + 1.0) / step.Count), count, $"image {i + 1}/{count} step {step.Index + 1}/{step.Count}, {step.StepTime.TotalMilliseconds:F0} ms/step");
                }, token);
                foreach (string warning in result.Warnings)
                {
                    Console.Error.WriteLine("warning: " + warning);
                }

                string file = Path.Combine(outDir, $"sd-{seed}.png");
                PngFile.Write(file, result.Images[0], new Dictionary<string, string> { ["parameters"] = result.Recipes[0] });
                written.Add(new GenerateCommand.WrittenTexture(file, result.Images[0], null, seed, result.Recipes[0]));
                display.Note($"wrote {file} ({started.Elapsed.TotalSeconds:F1} s)");
            }

            return written;
        }

        /// <summary>
        /// Runs the command on an SD folder; <paramref name="json"/>, when given, receives the JSON summary (see
        /// <see cref="GenerateCommand.Summary"/>). Exit codes: 0 done, 2 bad input (message on stderr), 130 cancelled.
        /// </summary>
        public int Run(ParseResult parse, GenerateCommand.CommonOptions common, string modelPath, string outDir, TextWriter? json)
        {
            StableDiffusionOnnxFolder folder;
            try
            {
                folder = StableDiffusionOnnxFolder.Open(modelPath);
            }
            catch (ModelConfigException e)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }

            string? recipePath = parse.GetValue(common.RecipeFrom);
            StableDiffusionRequest request;
            string? scheduler = parse.GetValue(common.Scheduler);
            int count = parse.GetValue(common.Count) ?? 1;
            try
            {
                request = recipePath != null ? FromRecipe(parse, recipePath, folder, out scheduler) : FromOptions(parse, common);
                count = recipePath != null ? 1 : count;
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is FormatException || e is ArgumentException)
            {
                string message = ErrorText.OneLine(e);
                bool unnamed = recipePath != null && !message.Contains(recipePath, StringComparison.Ordinal) && !message.StartsWith("--", StringComparison.Ordinal);
                Console.Error.WriteLine("error: " + (unnamed ? $"--recipe-from {recipePath}: " : string.Empty) + message);
                return 2;
            }

            if (count < 1)
            {
                Console.Error.WriteLine("error: --count must be at least 1.");
                return 2;
            }

            StableDiffusionPipeline pipeline;
            IReadOnlyList<IDisposable> parts;
            try
            {
                pipeline = folder.CreatePipeline(scheduler, null, out parts);
            }
            catch (Schedulers.SchedulerConfigException e)
            {
                Console.Error.WriteLine("error: --scheduler: " + ErrorText.OneLine(e));
                return 2;
            }
            catch (Exception e) when (e is ModelConfigException || e is ArgumentException)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }

            string[] problems = pipeline.Problems(request).Select(p => $"error: {OptionFor(p.Setting, parse)}: {p.Message}").ToArray();
            if (problems.Length > 0)
            {
                Array.ForEach(problems, Console.Error.WriteLine);
                foreach (IDisposable part in parts)
                {
                    part.Dispose();
                }

                return 2;
            }

            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            IPreviewDecoder? decoder = null;
            LiveSession? session = null;
            try
            {
                Console.WriteLine($"model: {folder.Path} ({pipeline.UNet.Info.Name}; {pipeline.Scheduler.Name}; {Mode(pipeline, request)})");
                if (parse.GetValue(common.Live))
                {
                    decoder = OpenPreviewDecoder(parse.GetValue(Taesd));
                    var run = new Dictionary<string, string>
                    {
                        ["prompt"] = request.Prompt,
                        ["steps"] = request.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["scheduler"] = pipeline.Scheduler.Name,
                    };
                    session = GenerateCommand.StartLive(pipeline.ModelName, folder.Path, LatentEncoding.StableDiffusion1, decoder, outDir, request.Seed, count,
                        parse, common, request.Steps, pipeline.Scheduler.Name, cancellation.Token, run);
                }

                CancellationToken token = session?.Token ?? cancellation.Token;
                var clock = Stopwatch.StartNew();
                List<GenerateCommand.WrittenTexture> written = ProgressDisplay.Run("generate", display => GenerateEach(pipeline, request, count, outDir, session, display, token));
                session?.FinishAndReport(Console.Out);
                GenerateCommand.WriteOverviews(outDir, written.Select(w => w.Image).ToArray(), tiledPreview: request.Tileable);

                Console.WriteLine($"wrote {written.Count} image{(written.Count == 1 ? string.Empty : "s")} to {outDir} in {clock.Elapsed.TotalSeconds:F1} s");
                json?.WriteLine(GenerateCommand.Summary(written, clock.Elapsed));
                return 0;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine(session != null && !cancellation.IsCancellationRequested ? "cancelled: the live window was closed." : "cancelled.");
                return 130;
            }
            catch (Exception e) when (e is ArgumentException || e is ModelConfigException)
            {
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                session?.Dispose();
                (decoder as IDisposable)?.Dispose();
                foreach (IDisposable part in parts)
                {
                    part.Dispose();
                }
            }
        }

        private static string Mode(StableDiffusionPipeline pipeline, StableDiffusionRequest request) =>
            request.Mask != null ? (pipeline.IsInpaintingUNet ? "inpainting" : "inpainting by latent blending")
            : request.Depth != null ? "depth-to-image"
            : request.InitImage != null ? "image-to-image"
            : "text-to-image";

        private StableDiffusionRequest FromOptions(ParseResult parse, GenerateCommand.CommonOptions common)
        {
            string prompt = parse.GetValue(Prompt) ?? throw new ArgumentException("A Stable Diffusion model needs --prompt \"what to draw\".");
            RgbImage? init = ReadImage(parse.GetValue(InitImage), "--init-image", 3);
            RgbImage? mask = ReadImage(parse.GetValue(Mask), "--mask", 1);
            if (mask != null && init == null)
            {
                throw new ArgumentException("--mask needs --init-image: inpainting repaints part of an image.");
            }

            int size = parse.GetValue(common.Size);
            int width = parse.GetValue(Width), height = parse.GetValue(Height);
            width = width > 0 ? width : size > 0 ? size : init?.Width ?? 512;
            height = height > 0 ? height : size > 0 ? size : init?.Height ?? 512;
            if (init != null && (init.Width != width || init.Height != height))
            {
                throw new ArgumentException($"--init-image is {init.Width}x{init.Height} but the size asked for is {width}x{height}: resize the image, or leave out --width/--height/--size.");
            }

            return new StableDiffusionRequest
            {
                Prompt = prompt,
                NegativePrompt = parse.GetValue(NegativePrompt) ?? string.Empty,
                Steps = parse.GetValue(common.Steps) ?? StableDiffusionRequest.DefaultSteps,
                GuidanceScale = parse.GetValue(common.Guidance) ?? 7.5f,
                Seed = parse.GetValue(common.Seed),
                Width = width,
                Height = height,
                InitImage = init,
                Strength = parse.GetValue(Strength),
                Mask = mask,
                Depth = ReadDepth(parse.GetValue(Depth)),
                Tileable = parse.GetValue(Tileable),
            };
        }

        /// <summary>
        /// The request a PNG's <c>parameters</c> chunk describes (prompt, negative prompt, steps, sampler, CFG scale,
        /// seed, size, tileable). A recipe that started from an image also needs that image: --init-image (and --mask,
        /// --depth) are taken from the command line.
        /// </summary>
        private StableDiffusionRequest FromRecipe(ParseResult parse, string path, StableDiffusionOnnxFolder folder, out string? scheduler)
        {
            IReadOnlyDictionary<string, string> text = PngTextChunks.Read(File.ReadAllBytes(path), w => Console.Error.WriteLine($"warning: {path}: {w}"));
            if (!text.TryGetValue("parameters", out string? parameters))
            {
                throw new InvalidDataException($"{path} has no 'parameters' text chunk: it was not written by a generator that records its recipe.");
            }

            GenerationRecipe recipe = GenerationRecipe.Parse(parameters);
            string? model = recipe["Model"];
            string here = Path.GetFileName(folder.Path.TrimEnd('/', '\\'));
            if (model != null && model != here)
            {
                Console.Error.WriteLine($"warning: the recipe was made with model '{model}', this is '{here}'; pass --model <folder of {model}> to reproduce it exactly.");
            }

            scheduler = recipe["Sampler"];
            RgbImage? init = ReadImage(parse.GetValue(InitImage), "--init-image", 3);
            if (StableDiffusionRequest.StartsFromImage(recipe) && init == null)
            {
                throw new ArgumentException($"{path} was made from an image (Denoising strength: {recipe["Denoising strength"]}): pass that image with --init-image (and its --mask, --depth) to reproduce it.");
            }

            StableDiffusionRequest request;
            try
            {
                request = StableDiffusionRequest.FromRecipe(recipe);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{path}: {e.Message}", e);
            }

            return request with
            {
                InitImage = init,
                Mask = ReadImage(parse.GetValue(Mask), "--mask", 1),
                Depth = ReadDepth(parse.GetValue(Depth)),
            };
        }

        private static RgbImage? ReadImage(string? path, string option, int channels)
        {
            if (path == null)
            {
                return null;
            }

            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{option} {Path.GetFullPath(path)}: no such file.");
            }

            try
            {
                return PngFile.Read(path, channels);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{option}: {e.Message}", e);
            }
        }

        private static DepthMap? ReadDepth(string? path)
        {
            RgbImage? image = ReadImage(path, "--depth", 1);
            if (image == null)
            {
                return null;
            }

            var values = new float[image.Width * image.Height];
            for (int p = 0; p < values.Length; p++)
            {
                values[p] = image.Pixels[p] / 255f;
            }

            return new DepthMap(image.Width, image.Height, values);
        }

        /// <summary>TAESD for the live viewer's decoded view: from --taesd, else the shared data when present, else none (a note says so).</summary>
        private static IPreviewDecoder? OpenPreviewDecoder(string? taesd)
        {
            string folder;
            try
            {
                folder = TaesdLocator.Find(taesd, Environment.CurrentDirectory, Environment.GetEnvironmentVariable(TaesdLocator.SharedDataVariable));
            }
            catch (ModelConfigException e) when (taesd == null)
            {
                Console.WriteLine($"live: no TAESD weights, so no decoded view (SD 1.x colour approximation only): {e.Message}");
                return null;
            }

            return TaesdPreviewDecoder.Load(folder);
        }
    }
}
