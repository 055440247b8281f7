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
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion generate</c>: textures from the built-in model or a trained model folder.</summary>
    internal static class GenerateCommand
    {
        private static int Reproduce(TextureGenerator generator, string recipePath, string outDir)
        {
            TextureRequest request;
            try
            {
                IReadOnlyDictionary<string, string> text = PngTextChunks.Read(File.ReadAllBytes(recipePath));
                if (!text.TryGetValue("parameters", out string? parameters))
                {
                    Console.Error.WriteLine($"error: {recipePath} has no 'parameters' text chunk: it was not written by a generator that records its recipe.");
                    return 2;
                }

                GenerationRecipe recipe = GenerationRecipe.Parse(parameters);
                request = TextureGenerator.RequestFromRecipe(recipe);
                string? recipeModel = recipe["Model"];
                string loaded = Path.GetFileName(generator.Model.Path.TrimEnd('/', '\\'));
                if (recipeModel != null && recipeModel != loaded)
                {
                    Console.Error.WriteLine($"warning: the recipe was made with model '{recipeModel}', this is '{loaded}'; pass --model <folder of {recipeModel}> to reproduce it exactly.");
                }
            }
            catch (Exception e) when (e is IOException || e is FormatException)
            {
                Console.Error.WriteLine($"error: {recipePath}: {e.Message}");
                return 2;
            }

            GeneratedTextures result = generator.Generate(request);
            string file = Path.Combine(outDir, $"{request.ClassName ?? "texture"}-{request.Seed}.png");
            PngFile.Write(file, result.Images[0], new Dictionary<string, string> { ["parameters"] = result.Recipes[0] });
            Console.WriteLine($"reproduced {recipePath} as {file}");
            return 0;
        }

        private static LiveSession StartLive(TextureGenerator generator, string outDir, ulong seed, int count, ParseResult parse, Option<bool> headless, Option<bool> hold,
                                             LatentView view, Option<int> steps, Option<string> scheduler, CancellationToken cancel)
        {
            string modelName = Path.GetFileName(generator.Model.Path.TrimEnd('/', '\\'));
            string seeds = count == 1 ? seed.ToString(CultureInfo.InvariantCulture) : $"{seed}..{seed + (ulong)count - 1}";
            // TextureGenerator runs pixel-space model folders: the channels are RGB in [-1, 1].
            const LatentEncoding encoding = LatentEncoding.Pixels;
            var options = new LiveViewerOptions
            {
                Model = modelName,
                Seed = seeds,
                Encoding = encoding,
                View = view,
                SaveFolder = Path.Combine(outDir, "live"),
                HoldAfterCompletion = parse.GetValue(hold),
                Log = Console.WriteLine,
            };
            var run = new Dictionary<string, string>
            {
                ["model"] = modelName,
                ["model_path"] = generator.Model.Path,
                ["seed"] = seeds,
                ["encoding"] = encoding == LatentEncoding.StableDiffusion1 ? "sd1" : "pixels",
                ["steps"] = parse.GetValue(steps).ToString(CultureInfo.InvariantCulture),
                ["scheduler"] = parse.GetValue(scheduler)!,
            };
            LiveSession session = LiveSession.Start(Path.Combine(outDir, "live"), options, parse.GetValue(headless), cancel, run);
            Console.WriteLine(session.Windowed
                ? "live: watching in a window (close it to cancel)"
                : $"live: no window ({(LiveSession.HasDisplay ? "--headless" : "no $DISPLAY or $WAYLAND_DISPLAY")}); recording the steps, drawn to {Path.Combine(session.Folder, "frames")} when the generation ends");
            return session;
        }

        public static Command Create()
        {
            var model = new Option<string?>("--model") { Description = "Model folder (model_index.json, unet/, scheduler/). Default: the built-in dungeon texture model." };
            var count = new Option<int>("--count") { Description = "Number of textures.", DefaultValueFactory = _ => 16 };
            var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "textures" };
            var seed = new Option<ulong>("--seed") { Description = "Seed of the first texture (texture i uses seed + i).", DefaultValueFactory = _ => 7UL };
            var className = new Option<string?>("--class") { Description = "Class for class-conditional models (built-in: floor or wall). Default: alternate between all classes." };
            var size = new Option<int>("--size") { Description = "Width and height in pixels (0: the model's size; larger sizes work, see the model card).", DefaultValueFactory = _ => 0 };
            var steps = new Option<int>("--steps") { Description = "Denoising steps.", DefaultValueFactory = _ => 25 };
            var scheduler = new Option<string>("--scheduler") { Description = "Scheduler: ddpm, ddim, pndm, euler, euler-a, dpm++2m, lcm.", DefaultValueFactory = _ => "ddim" };
            var guidance = new Option<float>("--guidance") { Description = "Classifier-free guidance scale (class-conditional models).", DefaultValueFactory = _ => 1.5f };
            var backend = new Option<string>("--backend") { Description = "Inference backend: torch (TorchSharp) or onnx (ONNX Runtime; uses unet/model.onnx, or exports the UNet in memory).", DefaultValueFactory = _ => "torch" };
            backend.AcceptOnlyFromAmong(ModelBackends.Names);
            var recipeFrom = new Option<string?>("--recipe-from") { Description = "Reproduce the image whose PNG carries this recipe (seed, steps, sampler, guidance, size, class); other options are ignored except --model and --out." };
            var live = new Option<bool>("--live") { Description = "Watch every denoising step: a window (x_t | predicted x0) when $DISPLAY or $WAYLAND_DISPLAY is set, else a PNG per step (<out>/live/frames) and a contact sheet of the steps. Steps are recorded to <out>/live for `livediffusion view`." };
            var headless = new Option<bool>("--headless") { Description = "With --live: write the step PNGs even when a display exists (no window)." };
            var hold = new Option<bool>("--hold") { Description = "With --live: keep the window open after the last step until you close it." };
            var view = new Option<string>("--view") { Description = "With --live: the first view: image, channels (false colour) or tiled (3x3).", DefaultValueFactory = _ => "image" };
            var command = new Command("generate", "Generate tileable textures (PNG with the recipe in a text chunk) and a contact sheet; --live shows every step as it happens.")
            {
                model, count, output, seed, className, size, steps, scheduler, guidance, backend, recipeFrom, live, headless, hold, view,
            };
            command.SetAction(parse =>
            {
                string outDir = Path.GetFullPath(parse.GetValue(output)!);
                int n = parse.GetValue(count);
                if (n < 1)
                {
                    Console.Error.WriteLine("error: --count must be at least 1.");
                    return 2;
                }

                TextureGenerator generator;
                try
                {
                    generator = ModelBackends.Open(parse.GetValue(model), parse.GetValue(backend)!, Console.Out);
                }
                catch (Exception e) when (e is ModelConfigException || e is DirectoryNotFoundException)
                {
                    Console.Error.WriteLine("error: " + e.Message);
                    return 2;
                }

                using (generator)
                {
                    string? recipePath = parse.GetValue(recipeFrom);
                    if (recipePath != null)
                    {
                        return Reproduce(generator, recipePath, outDir);
                    }

                    using var cancellation = new CancellationTokenSource();
                    Console.CancelKeyPress += (_, e) =>
                    {
                        e.Cancel = true;
                        cancellation.Cancel();
                    };
                    string? requested = parse.GetValue(className);
                    IReadOnlyList<string?> classes = requested != null
                        ? new[] { requested }
                        : generator.ClassNames.Count > 0 ? generator.ClassNames.ToArray() : new string?[] { null };
                    Console.WriteLine($"model: {generator.Model.Path} ({generator.Denoiser.Info.Name}{(generator.Denoiser.Info.Tileable ? ", tileable" : string.Empty)})");
                    var images = new List<RgbImage>();
                    var written = new List<string>();
                    var clock = Stopwatch.StartNew();
                    ulong s = parse.GetValue(seed);
                    LatentView firstView;
                    try
                    {
                        firstView = LiveSession.ParseView(parse.GetValue(view)!);
                    }
                    catch (ArgumentException e)
                    {
                        Console.Error.WriteLine("error: " + e.Message);
                        return 2;
                    }

                    using LiveSession? session = parse.GetValue(live) ? StartLive(generator, outDir, s, n, parse, headless, hold, firstView, steps, scheduler, cancellation.Token) : null;
                    CancellationToken token = session?.Token ?? cancellation.Token;
                    Action<DenoisingStep>? onStep = session == null ? null : session.Channel.Publish;
                    try
                    {
                        for (int c = 0; c < classes.Count; c++)
                        {
                            int share = (n / classes.Count) + (c < n % classes.Count ? 1 : 0);
                            if (share == 0)
                            {
                                continue;
                            }

                            var request = new TextureRequest
                            {
                                Count = share,
                                Seed = s,
                                ClassName = classes[c],
                                Size = parse.GetValue(size),
                                Steps = parse.GetValue(steps),
                                Scheduler = parse.GetValue(scheduler)!,
                                GuidanceScale = parse.GetValue(guidance),
                            };
                            GeneratedTextures result = generator.Generate(request, onStep, token);
                            for (int i = 0; i < result.Images.Count; i++)
                            {
                                string file = Path.Combine(outDir, $"{classes[c] ?? "texture"}-{s + (ulong)i}.png");
                                PngFile.Write(file, result.Images[i], new Dictionary<string, string> { ["parameters"] = result.Recipes[i] });
                                images.Add(result.Images[i]);
                                written.Add(file);
                            }

                            s += (ulong)share;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        Console.Error.WriteLine(session != null && !cancellation.IsCancellationRequested ? "cancelled: the live window was closed." : "cancelled.");
                        return 130;
                    }

                    if (session != null)
                    {
                        session.Finish();
                        foreach (string line in session.Report())
                        {
                            Console.WriteLine(line);
                        }
                    }

                    int scale = Math.Max(1, 128 / images[0].Width);
                    string sheet = Path.Combine(outDir, "contact-sheet.png");
                    PngFile.Write(sheet, ContactSheet.Compose(images, gap: 4, scale: scale));
                    string tiled = Path.Combine(outDir, "tiled-preview.png");
                    PngFile.Write(tiled, ContactSheet.Compose(images.Select(i => i.Tile(2, 2)).ToArray(), gap: 8, scale: Math.Max(1, scale / 2)));
                    Console.WriteLine($"wrote {written.Count} textures to {outDir} in {clock.Elapsed.TotalSeconds:F1} s");
                    Console.WriteLine($"contact sheet: {sheet}");
                    Console.WriteLine($"tiled preview (each texture repeated 2x2): {tiled}");
                    return 0;
                }
            });
            return command;
        }
    }
}
