using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.MonoCheck
{
    /// <summary>
    /// Generates textures with the package's built-in model from its committed ONNX files, the way an engine host does:
    /// the package root is given, the model is found in it, every denoising step goes through a frame channel to a
    /// recorder on another thread, and the images are written as PNGs with their recipes. Run under Mono by
    /// MonoRuntimeTests, which generates the same request under .NET and compares the files.
    /// </summary>
    /// <remarks>
    /// Usage: <c>mono MonoCheck.exe &lt;package root&gt; &lt;output folder&gt; &lt;count&gt; &lt;seed&gt; &lt;class&gt;</c>.
    /// Writes <c>&lt;class&gt;-&lt;seed&gt;-&lt;i&gt;.png</c>, <c>frames.ldframes</c> and <c>summary.txt</c>. Exit codes: 0 done,
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
            using TextureGenerator generator = OnnxTextureGenerator.Load(BuiltInModels.InPackage(packageRoot), log: Console.WriteLine);
            TextureRequest request = generator.RecommendedRequest(count, seed, className);

            // A ring with room for every step, so the recorder (the stand-in for an engine's texture upload) sees each one.
            using var channel = new DenoisingFrameChannel(request.Steps + 1);
            using var recorder = new DenoisingFrameRecorder(channel, Path.Combine(outDir, DenoisingFrameFormat.FileName));
            GeneratedTextures result = generator.Generate(request, channel.Publish);
            channel.Complete();
            if (!recorder.WaitForCompletion(TimeSpan.FromMinutes(1)))
            {
                throw new TimeoutException("The frame recorder did not finish within a minute.");
            }

            var summary = new List<string> { $"frames recorded {recorder.Recorded} missed {recorder.Missed} steps {request.Steps}" };
            for (int i = 0; i < result.Images.Count; i++)
            {
                string file = $"{className}-{seed}-{i}.png";
                PngFile.Write(Path.Combine(outDir, file), result.Images[i], new Dictionary<string, string> { ["parameters"] = result.Recipes[i] });
                summary.Add("image " + file);
            }

            File.WriteAllLines(Path.Combine(outDir, "summary.txt"), summary);
            Console.WriteLine(string.Join(Environment.NewLine, summary));
        }

        private static string RuntimeName()
        {
            Type? mono = Type.GetType("Mono.Runtime");
            MethodInfo? name = mono?.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
            return name == null ? ".NET " + Environment.Version : "Mono " + name.Invoke(null, null);
        }
    }
}
