using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using LiveDiffusion.Cli.Benchmarks;
using LiveDiffusion.Editor;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Frames;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Text;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion bench</c>: benchmarks that report ratios measured within one run.</summary>
    internal static class BenchCommand
    {
        public static Command Create()
        {
            var command = new Command("bench", "Benchmarks (figures are ratios measured in one run on this machine).");
            command.Subcommands.Add(CreateSchedulers());
            command.Subcommands.Add(CreateTrain());
            command.Subcommands.Add(CreateSample());
            command.Subcommands.Add(CreateViewer());
            command.Subcommands.Add(CreateOnnx());
            command.Subcommands.Add(CreateUpload());
            command.Subcommands.Add(CreateBatch());
            command.Subcommands.Add(CreateSoak());
            command.Subcommands.Add(CreateDataset());
            return command;
        }

        private static Command CreateSoak()
        {
            var generations = new Option<int>("--generations") { Description = "Generations per backend (4 textures each).", DefaultValueFactory = _ => 200 };
            var steps = new Option<int>("--steps") { Description = "Denoising steps per generation.", DefaultValueFactory = _ => 10 };
            var opens = new Option<int>("--opens") { Description = "Times the ONNX model is opened, used once and disposed.", DefaultValueFactory = _ => 50 };
            var command = new Command("soak", "A long editor session: resident memory over many generations in one process (TorchSharp and ONNX Runtime), and over opening and disposing an ONNX model many times.")
            {
                generations, steps, opens,
            };
            command.SetAction(parse =>
            {
                int g = parse.GetValue(generations), k = parse.GetValue(steps), o = parse.GetValue(opens);
                if (g < 40 || k < 1 || o < 1)
                {
                    Console.Error.WriteLine("error: --generations must be at least 40, --steps and --opens at least 1.");
                    return 2;
                }

                return ProgressDisplay.Run("bench soak", display =>
                {
                    foreach (string backend in new[] { "torch", "onnx" })
                    {
                        using TextureGenerator generator = ModelBackends.Open(null, backend, TextWriter.Null);
                        SoakBenchmark.Soak soak = SoakBenchmark.Generate(generator, g, 20, k, (done, total) => display.Update(done, total, $"{backend}: generation {done}/{total}"));
                        display.Note($"{backend}: {g} generations: RSS after 20 {soak.AfterWarmUp:F0} MiB, at the end {soak.AtEnd:F0} MiB ({(soak.AtEnd / soak.AfterWarmUp) - 1:+0.0%;-0.0%}), largest sample {soak.Largest:F0} MiB ({(soak.Largest / soak.AfterWarmUp) - 1:+0.0%;-0.0%})");
                    }

                    (double before, double whileOpen, double after) = SoakBenchmark.OpenAndDispose(o, (done, total) => display.Update(done, total, $"onnx: open {done}/{total}"));
                    display.Note($"onnx: opened, used and disposed {o} times: RSS before {before:F0} MiB, largest while open {whileOpen:F0} MiB, after the last dispose {after:F0} MiB ({(after / before) - 1:+0.0%;-0.0%} against before)");
                    return 0;
                });
            });
            return command;
        }

        private static Command CreateDataset()
        {
            var bombs = new Option<int>("--bombs") { Description = "4096x4096 PNGs inside the pixel budget (decompression bombs of a few KB each).", DefaultValueFactory = _ => 8 };
            var command = new Command("dataset", "Reading a hostile dataset as train does (huge headers in PNG, JPEG, BMP and GIF, truncated, random, empty and 300 MiB files, 4096x4096 bombs): what is used and skipped, and peak resident memory while it is read.")
            {
                bombs,
            };
            command.SetAction(parse =>
            {
                int b = parse.GetValue(bombs);
                if (b < 0 || b > 64)
                {
                    Console.Error.WriteLine($"error: --bombs {b}: use 0 to 64.");
                    return 2;
                }

                string folder = Directory.CreateTempSubdirectory("livediffusion-hostile-").FullName;
                try
                {
                    HostileDatasetBenchmark.WriteFiles(folder, b);
                    HostileDatasetBenchmark.Result result = HostileDatasetBenchmark.Read(folder);
                    Console.WriteLine($"{folder}: {result.Loaded} images used, {result.Skipped.Count} files skipped, read in {result.Seconds:F1} s");
                    foreach (SkippedFile skipped in result.Skipped)
                    {
                        Console.WriteLine($"  {skipped.Path}: {skipped.Reason}");
                    }

                    Console.WriteLine($"resident memory: {result.ResidentBeforeMiB:F0} MiB before reading, peak {result.PeakMiB:F0} MiB while reading ({(result.PeakMiB < 1024 ? "under" : "OVER")} the 1 GiB goal)");
                    return 0;
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
            });
            return command;
        }

        private static Command CreateBatch()
        {
            var steps = new Option<int>("--steps") { Description = "Denoising steps per texture (fewer than a real run; the per-step cost is what batching changes).", DefaultValueFactory = _ => 10 };
            var images = new Option<int>("--images") { Description = "Textures timed per batch size.", DefaultValueFactory = _ => 64 };
            var large = new Option<int>("--large") { Description = "The large count compared with 16, at the recommended batch size.", DefaultValueFactory = _ => 800 };
            var command = new Command("batch", "Per-texture time of the built-in model in batches of 8, 16, 32 and 64 per backend, and a large count against 16 at the recommended batch size (per-texture time and resident memory).")
            {
                steps, images, large,
            };
            command.SetAction(parse =>
            {
                int k = parse.GetValue(steps), n = parse.GetValue(images), big = parse.GetValue(large);
                if (k < 1 || n < 1 || big < 16)
                {
                    Console.Error.WriteLine("error: --steps and --images must be at least 1 and --large at least 16.");
                    return 2;
                }

                return ProgressDisplay.Run("bench batch", display =>
                {
                    foreach (string backend in new[] { "torch", "onnx" })
                    {
                        using TextureGenerator generator = ModelBackends.Open(null, backend, TextWriter.Null);
                        Action<int, int> Follow(string what) => (done, total) => display.Update(done, total, $"{backend}: {what}, {done}/{total} textures");
                        BatchBenchmark.Run(generator, 8, 8, k, Follow("warm-up"));
                        display.Note($"{backend}: ms per texture ({k} steps) by batch size: " + string.Join(", ", new[] { 8, 16, 32, 64 }.Select(b => $"{b}: {BatchBenchmark.Run(generator, n, b, k, Follow($"batch {b}")).MsPerTexture:F1}")));
                        (double small, double smallRss) = BatchBenchmark.Run(generator, 16, generator.RecommendedBatchSize, k, Follow("--count 16"));
                        (double many, double manyRss) = BatchBenchmark.Run(generator, big, generator.RecommendedBatchSize, k, Follow($"--count {big}"));
                        display.Note($"{backend}: batch {generator.RecommendedBatchSize}: --count 16 {small:F1} ms/texture, RSS {smallRss:F0} MiB; --count {big} {many:F1} ms/texture ({many / small:F2}x), largest RSS after a batch {manyRss:F0} MiB");
                    }

                    return 0;
                });
            });
            return command;
        }

        private static Command CreateUpload()
        {
            var repeats = new Option<int>("--repeats") { Description = "Conversions timed per shape (median reported).", DefaultValueFactory = _ => 200 };
            var seconds = new Option<double>("--seconds") { Description = "Seconds of publishing for the pacing figures (alone, then watched).", DefaultValueFactory = _ => 2.0 };
            var command = new Command("upload", "Frame pacing of the engine hand-off: RGBA bytes and time per upload for 32x32x3, 64x64x4 and 128x128x4 latents, and a 60 Hz main thread polling a publisher that runs flat out (at most one conversion per rendered frame; publisher rate alone vs watched).")
            {
                repeats, seconds,
            };
            command.SetAction(parse =>
            {
                int r = parse.GetValue(repeats);
                double s = parse.GetValue(seconds);
                if (r < 1 || !(s > 0))
                {
                    Console.Error.WriteLine("error: --repeats must be at least 1 and --seconds more than 0.");
                    return 2;
                }

                Console.WriteLine("shape        bytes/upload  x0+x_t (µs)  x0+x_t+tiled 3x3 (µs)");
                foreach ((int size, int channels, LatentEncoding encoding) in new[] { (32, 3, LatentEncoding.Pixels), (64, 4, LatentEncoding.StableDiffusion1), (128, 4, LatentEncoding.StableDiffusion1) })
                {
                    UploadBenchmark.ShapeCost cost = UploadBenchmark.Convert(size, channels, encoding, r);
                    Console.WriteLine($"{cost.Shape,-12} {cost.Bytes,12:N0}  {cost.MedianMicroseconds,11:F1}  {cost.TiledMedianMicroseconds,21:F1}");
                }

                UploadBenchmark.Pacing pacing = UploadBenchmark.Pace(64, s);
                Console.WriteLine($"pacing (64x64x4, {s:0.#} s): {pacing.Polls} polls at 60 Hz converted {pacing.Updates} steps (at most one per poll), {pacing.Superseded} newer-won steps skipped; "
                    + $"publisher {pacing.StepsPerSecondWatched:N0} steps/s watched vs {pacing.StepsPerSecondAlone:N0} alone (ratio {pacing.StepsPerSecondWatched / pacing.StepsPerSecondAlone:F2}).");
                return 0;
            });
            return command;
        }

        private static Command CreateViewer()
        {
            var model = new Option<string?>("--model") { Description = "Model folder (default: the built-in texture model)." };
            var count = new Option<int>("--count") { Description = "Textures per generation (the batch).", DefaultValueFactory = _ => 8 };
            var steps = new Option<int>("--steps") { Description = "Denoising steps per generation.", DefaultValueFactory = _ => 25 };
            var seed = new Option<ulong>("--seed") { Description = "Seed (the same in every run).", DefaultValueFactory = _ => 7UL };
            var repeats = new Option<int>("--repeats") { Description = "Timed generations per configuration, alternated (medians reported).", DefaultValueFactory = _ => 5 };
            var headless = new Option<bool>("--headless") { Description = "Attach the headless frame writer (EGL, a PNG per step) instead of a window even when a display exists." };
            var frames = new Option<int>("--frames") { Description = "Frames timed per latent shape for the upload+draw figures.", DefaultValueFactory = _ => 60 };
            var command = new Command("viewer", "Cost of watching: wall time of the same generation with the live viewer attached vs with no consumer (ratio), and upload+draw time per frame for 64x64x4 and 512x512x4 latents.")
            {
                model, count, steps, seed, repeats, headless, frames,
            };
            command.SetAction(parse =>
            {
                int n = parse.GetValue(count), k = parse.GetValue(steps), r = parse.GetValue(repeats), f = parse.GetValue(frames);
                if (n < 1 || k < 1 || r < 1 || f < 1)
                {
                    Console.Error.WriteLine("error: --count, --steps, --repeats and --frames must be at least 1.");
                    return 2;
                }

                using var generator = TorchTextureGenerator.Load(parse.GetValue(model));
                string? className = generator.ClassNames.Count > 0 ? generator.ClassNames[0] : null;
                var request = new TextureRequest { Count = n, Steps = k, Seed = parse.GetValue(seed), ClassName = className, GuidanceScale = className != null ? 1.5f : 1f };
                bool window = !parse.GetValue(headless) && Commands.LiveSession.HasDisplay;
                long shown = 0, published = 0;
                string scratch = Path.Combine(Path.GetTempPath(), "ld-bench-viewer-" + Guid.NewGuid().ToString("N"));
                Func<DenoisingFrameChannel, IDisposable> attach = channel =>
                {
                    if (window)
                    {
                        LiveViewer viewer = LiveViewer.Open(channel, new LiveViewerOptions { Model = "bench", Linger = TimeSpan.Zero });
                        return new Disposer(() =>
                        {
                            viewer.WaitForExit(TimeSpan.FromSeconds(30));
                            shown += viewer.FramesShown;
                            published += channel.Published;
                            viewer.Dispose();
                        });
                    }

                    var writer = new HeadlessFrameWriter(channel, scratch);
                    return new Disposer(() =>
                    {
                        writer.WaitForCompletion(TimeSpan.FromSeconds(60));
                        shown += writer.Written;
                        published += channel.Published;
                        writer.Dispose();
                    });
                };

                string attachedName = window ? "live viewer window attached" : "headless frame writer attached (PNG per step)";
                Console.WriteLine($"model: {generator.Model.Path}; batch {n}, {k} steps, seed {request.Seed}, class {className ?? "none"}; torch threads: {torch.get_num_threads()}; {Environment.ProcessorCount} cores");
                Console.WriteLine($"consumer: {attachedName}{(window ? $" on DISPLAY={Environment.GetEnvironmentVariable("DISPLAY")}" : string.Empty)}");
                IReadOnlyList<ViewerBenchmark.Timing> timings;
                try
                {
                    timings = ViewerBenchmark.Generation(onStep => generator.Generate(request, onStep), attach, attachedName, r);
                }
                finally
                {
                    if (Directory.Exists(scratch))
                    {
                        Directory.Delete(scratch, true);
                    }
                }

                double baseline = timings[0].Median, baselineBest = timings[0].Best;
                Console.WriteLine();
                Console.WriteLine($"| configuration | median s | x no consumer | best s | x no consumer | runs (s, alternated) |");
                Console.WriteLine($"|---|---:|---:|---:|---:|---|");
                foreach (ViewerBenchmark.Timing t in timings)
                {
                    Console.WriteLine($"| {t.Name} | {t.Median:F3} | {t.Median / baseline:F3} | {t.Best:F3} | {t.Best / baselineBest:F3} | {string.Join(" ", t.Seconds.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))} |");
                }

                Console.WriteLine($"frames the consumer drew: {shown} of {published} published (the newest wins; the denoiser never waits)");
                Console.WriteLine();
                Console.WriteLine("| latent | interleave + glTexSubImage2D (x_t and x0) ms | draw 1280x720 ms | total ms/frame |");
                Console.WriteLine("|---|---:|---:|---:|");
                foreach ((int c, int size) in new[] { (4, 64), (4, 512), (3, 32) })
                {
                    ViewerBenchmark.FrameCost cost = ViewerBenchmark.UploadAndDraw(c, size, f);
                    Console.WriteLine($"| {cost.Shape} | {cost.InterleaveAndUploadMs:F3} | {cost.DrawMs:F3} | {cost.TotalMs:F3} |");
                }

                Console.WriteLine("(medians on a headless EGL context, each phase timed to glFinish)");
                return 0;
            });
            return command;
        }

        private sealed class Disposer : IDisposable
        {
            private readonly Action _action;

            public Disposer(Action action) => _action = action;

            public void Dispose() => _action();
        }

        private static Command CreateTrain()
        {
            var data = new Option<string?>("--data") { Description = "Image folder (default: ../shared/data/dungeon-tiles, else a synthetic set)." };
            var preset = new Option<string>("--preset") { Description = "Model preset.", DefaultValueFactory = _ => "small" };
            var batch = new Option<int>("--batch") { Description = "Images per step.", DefaultValueFactory = _ => 32 };
            var steps = new Option<int>("--steps") { Description = "Timed steps (after 3 warm-up steps).", DefaultValueFactory = _ => 10 };
            var command = new Command("train", "Training throughput (images/s) and achieved GFLOP/s of the UNet as a fraction of libtorch's fp32 GEMM rate, measured in the same run; peak RSS.")
            {
                data, preset, batch, steps,
            };
            command.SetAction(parse =>
            {
                string folder = parse.GetValue(data) ?? FindDungeonTiles();
                var dataset = ImageFolderDataset.Load(folder, new DatasetOptions { Size = 32, ClassConditional = true });
                UNet2DConfig config = ModelPresets.Create(parse.GetValue(preset)!, 32, 3, PaddingMode.Circular, dataset.ClassNames);
                double gemm = Math.Max(TorchBenchmarks.GemmGflops(1024), TorchBenchmarks.GemmGflops(2048, 4));
                double forward = UNet2DFlops.Forward(config, 1, 32, 32);
                int b = parse.GetValue(batch);
                // libtorch's default (NNPACK considered for batches of 16 or more), then this package's setting (off).
                LibTorchSettings.Apply();
                bool switchable = LibTorchSettings.TrySetNnpack(true);
                (double withNnpack, _) = TorchBenchmarks.Train(dataset, config, b, 3, parse.GetValue(steps));
                LibTorchSettings.TrySetNnpack(false);
                (double imagesPerSecond, double perStep) = TorchBenchmarks.Train(dataset, config, b, 3, parse.GetValue(steps));
                double achieved = imagesPerSecond * 3 * forward / 1e9;
                double gemmAfter = Math.Max(TorchBenchmarks.GemmGflops(1024), TorchBenchmarks.GemmGflops(2048, 4));
                Console.WriteLine($"threads: {torch.get_num_threads()}, data: {dataset.Count} images from {folder}");
                Console.WriteLine($"libtorch fp32 GEMM (best of 1024^3 and 2048^3): {gemm:F1} GFLOP/s before, {gemmAfter:F1} after (the fraction uses the higher)");
                Console.WriteLine($"preset {parse.GetValue(preset)}: forward {forward / 1e9:F3} GFLOP per 32x32 image, training step ~3x forward");
                Console.WriteLine($"training: batch {b}, {perStep * 1000:F0} ms/step, {imagesPerSecond:F1} images/s, {achieved:F1} GFLOP/s = {achieved / Math.Max(gemm, gemmAfter):P0} of GEMM");
                Console.WriteLine(switchable
                    ? $"NNPACK: {withNnpack:F1} images/s on (libtorch's default), {imagesPerSecond:F1} off (this package's setting): off/on = {imagesPerSecond / withNnpack:F2}"
                    : "NNPACK: this libtorch has no switch for it; both runs used its default");
                Console.WriteLine($"peak RSS: {TorchBenchmarks.PeakRssMiB():F0} MiB");
                return 0;
            });
            return command;
        }

        private static Command CreateOnnx()
        {
            var model = new Option<string?>("--model") { Description = "Model folder (default: the built-in texture model)." };
            var rounds = new Option<int>("--rounds") { Description = "Timed rounds per batch size (median reported).", DefaultValueFactory = _ => 20 };
            var command = new Command("onnx", "ONNX Runtime vs TorchSharp per-step UNet latency on the same model and inputs (batch 1 and 16, interleaved rounds), and the Stable Diffusion pipeline's own time and allocations per step outside model calls (4x64x64 latent, CFG).")
            {
                model, rounds,
            };
            command.SetAction(parse =>
            {
                ModelFolder folder = ModelFolder.Open(parse.GetValue(model) ?? BuiltInModels.Locate());
                int r = parse.GetValue(rounds);
                using TextureGenerator torchBackend = ModelBackends.Open(folder.Path, "torch", TextWriter.Null);
                using TextureGenerator onnxBackend = ModelBackends.Open(folder.Path, "onnx", Console.Out);
                int size = folder.UNet.SampleSize;
                Console.WriteLine($"model: {folder.Path} ({size}x{size}); ONNX Runtime {LiveDiffusion.Onnx.OnnxRuntimeInfo.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}");
                Console.WriteLine();
                Console.WriteLine("| batch | TorchSharp ms/step | ONNX Runtime ms/step | ONNX / Torch |");
                Console.WriteLine("|------:|-------------------:|---------------------:|-------------:|");
                foreach (int batch in new[] { 1, 16 })
                {
                    double[] medians = OnnxBenchmarks.InterleavedMedians(new[] { torchBackend.Denoiser, onnxBackend.Denoiser }, batch, size, warmup: 3, rounds: r);
                    Console.WriteLine($"| {batch,5} | {medians[0] * 1000,18:F2} | {medians[1] * 1000,20:F2} | {medians[1] / medians[0],12:F2} |");
                }

                Console.WriteLine();
                string? clip = SharedDataLocator.Find("clip", Environment.CurrentDirectory, Environment.GetEnvironmentVariable(SharedDataLocator.Variable), f => File.Exists(Path.Combine(f, "vocab.json")));
                if (clip == null)
                {
                    Console.WriteLine("pipeline overhead: skipped (needs the CLIP tokenizer in ../shared/data/clip).");
                    return 0;
                }

                foreach (string scheduler in new[] { "ddim", "euler-a", "dpm++2m" })
                {
                    (double ms, double bytes) = OnnxBenchmarks.PipelineOverhead(ClipTokenizer.Load(clip), scheduler, steps: 30);
                    Console.WriteLine($"pipeline overhead outside model calls, 4x64x64 latent, CFG, {scheduler}: {ms:F3} ms/step, {bytes:F0} bytes allocated/step");
                }

                return 0;
            });
            return command;
        }

        private static Command CreateSample()
        {
            var model = new Option<string?>("--model") { Description = "Model folder (default: the built-in texture model)." };
            var repeats = new Option<int>("--repeats") { Description = "Timed forward passes per configuration (median reported).", DefaultValueFactory = _ => 10 };
            var command = new Command("sample", "Per-step latency and achieved GFLOP/s of the UNet at batch 1 and 16: autograd on vs inference mode, 1 thread vs all, CFG as two calls vs one batched call; peak RSS.")
            {
                model, repeats,
            };
            command.SetAction(parse =>
            {
                ModelFolder folder = ModelFolder.Open(parse.GetValue(model) ?? BuiltInModels.Locate());
                using UNet2D unet = UNet2D.Load(folder.UNetFolder);
                int r = parse.GetValue(repeats);
                int size = folder.UNet.SampleSize;
                double gemm = TorchBenchmarks.GemmGflops();
                int allThreads = torch.get_num_threads();
                Console.WriteLine($"model: {folder.Path} ({unet.ParameterCount:N0} parameters, {size}x{size}); libtorch fp32 GEMM 1024^3: {gemm:F1} GFLOP/s; threads: {allThreads}");
                Console.WriteLine();
                Console.WriteLine("| batch | configuration | ms/step | GFLOP/s | x GEMM |");
                Console.WriteLine("|------:|---------------|--------:|--------:|-------:|");
                foreach (int batch in new[] { 1, 16 })
                {
                    double flops = UNet2DFlops.Forward(folder.UNet, batch, size, size);
                    void Row(string name, double seconds) =>
                        Console.WriteLine($"| {batch,5} | {name,-45} | {seconds * 1000,7:F2} | {flops / seconds / 1e9,7:F1} | {flops / seconds / 1e9 / gemm,6:P0} |");

                    torch.set_num_threads(1);
                    Row("1 thread, inference mode", TorchBenchmarks.Forward(unet, batch, size, true, r));
                    torch.set_num_threads(allThreads);
                    Row($"{allThreads} threads, autograd on (before)", TorchBenchmarks.Forward(unet, batch, size, false, r));
                    double inference = TorchBenchmarks.Forward(unet, batch, size, true, r);
                    Row($"{allThreads} threads, inference mode (after)", inference);
                    if (LibTorchSettings.TrySetNnpack(true))
                    {
                        Row($"{allThreads} threads, inference, NNPACK on (libtorch default)", TorchBenchmarks.Forward(unet, batch, size, true, r));
                        LibTorchSettings.TrySetNnpack(false);
                    }

                    double twoCalls = 2 * inference;
                    double oneCall = TorchBenchmarks.Forward(unet, 2 * batch, size, true, r);
                    Console.WriteLine($"| {batch,5} | {"CFG: 2 calls of " + batch + " (before)",-45} | {twoCalls * 1000,7:F2} | {2 * flops / twoCalls / 1e9,7:F1} | {2 * flops / twoCalls / 1e9 / gemm,6:P0} |");
                    Console.WriteLine($"| {batch,5} | {"CFG: 1 batched call of " + (2 * batch) + " (after)",-45} | {oneCall * 1000,7:F2} | {2 * flops / oneCall / 1e9,7:F1} | {2 * flops / oneCall / 1e9 / gemm,6:P0} |");
                }

                Console.WriteLine();
                Console.WriteLine($"peak RSS: {TorchBenchmarks.PeakRssMiB():F0} MiB");
                return 0;
            });
            return command;
        }

        private static string FindDungeonTiles() =>
            SharedDataLocator.Find("dungeon-tiles", Environment.CurrentDirectory, Environment.GetEnvironmentVariable(SharedDataLocator.Variable), Directory.Exists)
            ?? throw new DirectoryNotFoundException($"No dungeon-tiles data found in ${SharedDataLocator.Variable} or a shared/data folder above the current directory; pass --data <image folder>.");

        private static Command CreateSchedulers()
        {
            var channels = new Option<int>("--channels") { Description = "Latent channels.", DefaultValueFactory = _ => 4 };
            var size = new Option<int>("--size") { Description = "Latent height and width.", DefaultValueFactory = _ => 64 };
            var steps = new Option<int>("--steps") { Description = "Inference steps per generation.", DefaultValueFactory = _ => 20 };
            var repeats = new Option<int>("--repeats") { Description = "Timed generations per scheduler (the median is reported).", DefaultValueFactory = _ => 25 };
            var command = new Command("schedulers", "Time of one Step on a 1xCxHxW latent per scheduler, as a ratio to one fused TensorPrimitives pass over the same buffer, and bytes allocated per step after warm-up.")
            {
                channels,
                size,
                steps,
                repeats,
            };
            command.SetAction(parse =>
            {
                int c = parse.GetValue(channels), s = parse.GetValue(size), n = parse.GetValue(steps), r = parse.GetValue(repeats);
                if (c < 1 || s < 1 || n < 2 || r < 1)
                {
                    Console.Error.WriteLine("error: --channels, --size and --repeats must be >= 1 and --steps >= 2.");
                    return 2;
                }

                var (baseline, rows) = SchedulerBenchmark.Run(c, s, n, r);
                Console.WriteLine($"latent 1x{c}x{s}x{s} ({c * s * s * 4 / 1024} KiB), {n} steps, median of {r} generations");
                Console.WriteLine($"baseline: one fused TensorPrimitives.MultiplyAdd pass = {baseline:F2} us");
                Console.WriteLine();
                Console.WriteLine($"| {"scheduler",-32} | {"us/step",8} | {"x fused pass",12} | {"bytes/step",10} |");
                Console.WriteLine($"|{new string('-', 34)}|{new string('-', 10)}|{new string('-', 14)}|{new string('-', 12)}|");
                bool allocationFree = true;
                foreach (SchedulerBenchmark.Row row in rows)
                {
                    Console.WriteLine($"| {row.Scheduler,-32} | {row.MicrosPerStep,8:F2} | {row.RatioToFusedPass,12:F2} | {row.BytesPerStep,10:F0} |");
                    allocationFree &= row.BytesPerStep == 0;
                }

                Console.WriteLine();
                Console.WriteLine(allocationFree ? "allocation after warm-up: 0 bytes per step for every scheduler" : "allocation after warm-up: NOT zero (see bytes/step)");
                return allocationFree ? 0 : 1;
            });
            return command;
        }
    }
}
