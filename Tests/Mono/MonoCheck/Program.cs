using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Diagnostics;
using System.Reflection;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.MonoCheck
{
    /// <summary>
    /// Generates textures with the package's built-in model from its committed ONNX files, the way the engine layer
    /// does, with the same engine-free parts: the package root is given and the model found in it, the window's form
    /// becomes the request, a LiveTextureSession generates off the main thread while a main-thread loop ticks and
    /// converts the newest step to texture bytes, a recorder on a third thread keeps every step, and the textures are
    /// saved as PNGs with their recipes. Run under Mono by MonoRuntimeTests, which compares everything with .NET.
    /// </summary>
    /// <remarks>
    /// Usage: <c>mono MonoCheck.exe &lt;package root&gt; &lt;output folder&gt; &lt;count&gt; &lt;seed&gt; &lt;class&gt;</c>.
    /// Writes the textures (<c>&lt;class&gt;-&lt;seed&gt;.png</c>, ...), <c>frames.ldframes</c>, the last texture bytes the
    /// main thread uploaded (<c>feed-x0.rgba</c>, <c>feed-tiled.rgba</c>, <c>final.rgba</c>) and <c>summary.txt</c>. Exit codes: 0 done,
    /// 2 bad arguments, 1 failure (the message on stderr).
    /// </remarks>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length != 5 || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
                || !ulong.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            {
                Console.Error.WriteLine("usage: MonoCheck.exe <package root> <output folder> <count> <seed> <class>");
                return 2;
            }

            try
            {
                Run(args[0], args[1], count, seed, args[4]);
                return 0;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"MonoCheck: {e}");
                return 1;
            }
        }

        private static void Run(string packageRoot, string outDir, int count, ulong seed, string className)
        {
            Console.WriteLine($"runtime: {RuntimeName()}; ONNX Runtime {OnnxRuntimeInfo.Version}");
            Directory.CreateDirectory(outDir);
            using var session = new LiveTextureSession(OnnxTextureGenerator.Load(BuiltInModels.InPackage(packageRoot), log: Console.WriteLine), tiles: 3);
            TextureRequestForm form = TextureRequestForm.For(session.Generator);
            form.Count = count;
            form.Seed = (long)seed;
            form.ClassName = className;
            TextureRequest request = form.ToRequest(session.Generator);

            // As an engine component does: generation on its own thread, a main-thread loop ticking once per "rendered
            // frame". A ring with room for every step lets the recorder (a second consumer) see each one.
            session.Start(request, request.Steps + 1);
            using var recorder = new DenoisingFrameRecorder(session.Job!.Frames, Path.Combine(outDir, DenoisingFrameFormat.FileName));
            (int ticks, int frames) = TickToEnd(session);
            if (!recorder.WaitForCompletion(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("The frame recorder did not finish within a minute.");
            }

            IReadOnlyList<string> files = TextureFiles.Save(session.LastResult!, request, outDir);
            File.WriteAllBytes(Path.Combine(outDir, "feed-x0.rgba"), session.Feed!.PredictedOriginal);
            File.WriteAllBytes(Path.Combine(outDir, "feed-tiled.rgba"), session.Feed.TiledPredictedOriginal);
            File.WriteAllBytes(Path.Combine(outDir, "final.rgba"), session.FinalRgba);
            var summary = new List<string>
            {
                $"frames recorded {recorder.Recorded} missed {recorder.Missed} steps {request.Steps}",
                $"ticks {ticks} uploads {frames} last step {session.Feed.Step}",
            };
            foreach (string file in files)
            {
                summary.Add("image " + Path.GetFileName(file));
            }

            // The editor window's "Open training panel" under Mono, with a stand-in for the panel script.
            string panelScript = Path.Combine(outDir, "panel-stand-in.sh");
            File.WriteAllText(panelScript, "echo starting; echo 'LiveDiffusion panel: http://127.0.0.1:5/?token=mono'; sleep 60\n");
            using (TrainingPanelProcess panel = TrainingPanelProcess.Start(outDir, TimeSpan.FromMinutes(1), panelScript))
            {
                summary.Add("panel " + panel.Url);
            }

            File.WriteAllLines(Path.Combine(outDir, "summary.txt"), summary);
            Console.WriteLine(string.Join(Environment.NewLine, summary));
        }

        /// <summary>Ticks every 2 ms until the generation ends; returns the ticks and the ticks that had a new step to upload.</summary>
        private static (int Ticks, int Frames) TickToEnd(LiveTextureSession session)
        {
            int ticks = 0, frames = 0;
            var clock = Stopwatch.StartNew();
            while (session.IsRunning)
            {
                LiveTick tick = session.Tick();
                ticks++;
                frames += (tick & LiveTick.Frame) != 0 ? 1 : 0;
                if ((tick & (LiveTick.Failed | LiveTick.Cancelled)) != 0)
                {
                    throw new InvalidOperationException("The generation did not finish: " + session.LastError?.Message);
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(5))
                {
                    throw new TimeoutException("The generation did not finish within 5 minutes.");
                }

                Thread.Sleep(2);
            }

            return (ticks, frames);
        }

        private static string RuntimeName()
        {
            Type? mono = Type.GetType("Mono.Runtime");
            MethodInfo? name = mono?.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
            return name == null ? ".NET " + Environment.Version : "Mono " + name.Invoke(null, null);
        }
    }
}
