using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion view</c>: replays the steps a <c>generate --live</c> run recorded.</summary>
    internal static class ViewCommand
    {
        public static Command Create()
        {
            var folder = new Argument<string>("run") { Description = "The run folder: <out>/live of a `generate --live` run (holding frames.ldframes), <out> itself, or the frames.ldframes file." };
            var fps = new Option<double>("--fps") { Description = "Steps per second of the replay.", DefaultValueFactory = _ => 8.0 };
            var headless = new Option<bool>("--headless") { Description = "Write the replayed steps as PNGs even when a display exists." };
            var output = new Option<string?>("--out") { Description = "Folder for headless PNGs (default: <run>/replay)." };
            var view = new Option<string>("--view") { Description = "The first view: image, channels (false colour) or tiled (3x3).", DefaultValueFactory = _ => "image" };
            var noHold = new Option<bool>("--no-hold") { Description = "Close the window after the last step instead of waiting for you to close it." };
            var command = new Command("view", "Replay the denoising steps recorded by `generate --live`: in a window, or as PNG frames and a contact sheet without a display.")
            {
                folder, fps, headless, output, view, noHold,
            };
            command.SetAction(parse =>
            {
                string run = Path.GetFullPath(parse.GetValue(folder)!);
                string framesFile = Path.Combine(run, DenoisingFrameFormat.FileName);
                if (File.Exists(run))
                {
                    // The recording itself was given: its folder is the run.
                    framesFile = run;
                    run = Path.GetDirectoryName(run)!;
                }

                if (!File.Exists(framesFile) && File.Exists(Path.Combine(run, "live", DenoisingFrameFormat.FileName)))
                {
                    run = Path.Combine(run, "live");
                    framesFile = Path.Combine(run, DenoisingFrameFormat.FileName);
                }

                if (!File.Exists(framesFile))
                {
                    Console.Error.WriteLine($"error: {run} holds no {DenoisingFrameFormat.FileName}; pass the folder a `livediffusion generate --live --out <folder>` run wrote (its live/ subfolder).");
                    return 2;
                }

                double rate = parse.GetValue(fps);
                if (!(rate > 0))
                {
                    Console.Error.WriteLine("error: --fps must be positive.");
                    return 2;
                }

                LatentView firstView;
                try
                {
                    firstView = LiveSession.ParseView(parse.GetValue(view)!);
                }
                catch (ArgumentException e)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }

                Dictionary<string, string> info = ReadRun(run);
                LatentEncoding encoding = info.TryGetValue("encoding", out string? enc) ? LiveSession.ParseEncoding(enc) : LatentEncoding.Pixels;
                string outDir = parse.GetValue(output) ?? Path.Combine(run, "replay");
                var options = new LiveViewerOptions
                {
                    Title = "LiveDiffusion replay",
                    Model = info.GetValueOrDefault("model"),
                    Seed = info.GetValueOrDefault("seed"),
                    Encoding = encoding,
                    View = firstView,
                    SaveFolder = outDir,
                    HoldAfterCompletion = !parse.GetValue(noHold),
                    Log = Console.WriteLine,
                };

                if (parse.GetValue(headless) || !LiveSession.HasDisplay)
                {
                    var (written, sheets) = HeadlessFrameWriter.WriteRecording(framesFile, outDir, options);
                    Console.WriteLine($"no window ({(LiveSession.HasDisplay ? "--headless" : "no $DISPLAY or $WAYLAND_DISPLAY")}): wrote {written} step frames to {Path.Combine(outDir, "frames")}");
                    foreach (string sheet in sheets)
                    {
                        Console.WriteLine($"steps contact sheet: {sheet}");
                    }

                    return 0;
                }

                using var channel = new DenoisingFrameChannel();
                LiveViewer viewer;
                try
                {
                    viewer = LiveViewer.Open(channel, options);
                }
                catch (Exception e) when (e is InvalidOperationException || e is DllNotFoundException)
                {
                    Console.Error.WriteLine($"error: {e.Message} Pass --headless to write the steps as PNGs instead.");
                    return 1;
                }

                using (viewer)
                {
                    Console.WriteLine($"replaying {framesFile} at {rate:0.#} steps/s (close the window to stop)");
                    var frame = new DenoisingFrame();
                    var delay = TimeSpan.FromSeconds(1 / rate);
                    int replayed = 0;
                    try
                    {
                        using FileStream stream = File.OpenRead(framesFile);
                        while (!viewer.Closed.IsCancellationRequested && DenoisingFrameFormat.TryRead(stream, frame))
                        {
                            channel.Publish(frame);
                            replayed++;
                            viewer.Closed.WaitHandle.WaitOne(delay);
                        }
                    }
                    catch (InvalidDataException e)
                    {
                        Console.Error.WriteLine($"warning: {framesFile}: {e.Message} Replayed the {replayed} whole steps before it.");
                    }

                    channel.Complete();
                    viewer.WaitForExit(Timeout.InfiniteTimeSpan);
                    Console.WriteLine($"replayed {replayed} steps");
                }

                return 0;
            });
            return command;
        }

        private static Dictionary<string, string> ReadRun(string run)
        {
            string file = Path.Combine(run, LiveSession.RunFileName);
            if (!File.Exists(file))
            {
                return new Dictionary<string, string>();
            }

            try
            {
                return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? new Dictionary<string, string>();
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"warning: {file} is not valid JSON ({e.Message}); showing the frames as pixels.");
                return new Dictionary<string, string>();
            }
        }
    }
}
