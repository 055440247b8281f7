using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>
    /// Unity's scripting runtime is Mono. Tests/Mono/MonoCheck (built with the solution for .NET Framework 4.8, the API
    /// level Mono implements) runs under Debian's Mono, loads the runtime assemblies and ONNX Runtime, finds the built-in
    /// model in the package root it is given and generates from the committed ONNX files through the engine layer's
    /// engine-free parts (form, session, feed, texture files, the panel launcher); this test generates the same request under .NET and
    /// requires identical PNG files (pixels and recipe), every step's frame and the uploaded texture bytes, bit for bit.
    /// </summary>
    public sealed class MonoRuntimeTests : IDisposable
    {
        private readonly string _out = Path.Combine(Path.GetTempPath(), "ld-mono-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void TheBuiltInModelGeneratesUnderMonoThroughTheEngineLayersLogicExactlyAsUnderDotnet()
        {
            string root = SharedData.RepositoryRoot;
            string mono = OnPath("mono") ?? throw new InvalidOperationException("mono is not installed: `./livediffusion setup` installs Debian's mono-devel (Unity's scripting runtime is Mono).");
            using (ChildProcess run = ChildProcess.Start(mono, new[] { MonoCheckProgram(), root, _out, "3", "7", "wall" }))
            {
                (int code, string output) = run.WaitForExit(TimeSpan.FromMinutes(5));
                Assert.True(code == 0, $"mono MonoCheck.exe exited {code}:\n{output}");
                Assert.Contains("runtime: Mono ", output);
                Assert.Contains("unet/model.onnx on Cpu", output);
            }

            using TextureGenerator generator = OnnxTextureGenerator.Load(BuiltInModels.InPackage(root));
            TextureRequestForm form = TextureRequestForm.For(generator);
            form.Count = 3;
            form.Seed = 7;
            form.ClassName = "wall";
            TextureRequest request = form.ToRequest(generator);
            Assert.Equal(generator.RecommendedSteps, request.Steps);
            Assert.Equal(generator.RecommendedAutoguidanceScale, request.AutoguidanceScale);
            var predicted = new List<float[]>();
            GeneratedTextures result = generator.Generate(request, step => predicted.Add(step.PredictedOriginal.Span.ToArray()));

            // The PNG files, named and recipe included, are byte for byte what .NET writes for the same form.
            for (int i = 0; i < result.Images.Count; i++)
            {
                byte[] dotnet = PngFile.Encode(result.Images[i], new Dictionary<string, string> { ["parameters"] = result.Recipes[i] });
                byte[] underMono = File.ReadAllBytes(Path.Combine(_out, TextureFiles.NameOf(request, i)));
                Assert.True(dotnet.AsSpan().SequenceEqual(underMono), $"image {i}: Mono's PNG differs from .NET's ({DifferingPixels(underMono, result.Images[i])})");
            }

            // Every step crossed the frame channel to the recorder thread under Mono, with the same x0 as .NET computed,
            // and the main thread's last upload is the last step's texture bytes, then the finished texture's.
            string[] summary = File.ReadAllLines(Path.Combine(_out, "summary.txt"));
            Assert.Equal($"frames recorded {request.Steps} missed 0 steps {request.Steps}", summary[0]);
            Assert.EndsWith($"last step {request.Steps - 1}", summary[1]);
            Assert.Equal("panel http://127.0.0.1:5/?token=mono", summary.Last());
            var frame = new DenoisingFrame();
            int frames = 0;
            using (FileStream stream = File.OpenRead(Path.Combine(_out, DenoisingFrameFormat.FileName)))
            {
                while (DenoisingFrameFormat.TryRead(stream, frame))
                {
                    Assert.Equal(frames, frame.Index);
                    Assert.True(frame.PredictedOriginal.SequenceEqual(predicted[frame.Index]), $"step {frame.Index}: x0 under Mono differs from .NET");
                    frames++;
                }
            }

            Assert.Equal(request.Steps, frames);
            AssertUpload(Path.Combine(_out, "feed-x0.rgba"), bytes => FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, bytes, 1, bottomRowFirst: true), FrameRgba.ByteCount(32, 32));
            AssertUpload(Path.Combine(_out, "feed-tiled.rgba"), bytes => FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, bytes, 3, bottomRowFirst: true), FrameRgba.ByteCount(32, 32, 3));
            AssertUpload(Path.Combine(_out, "final.rgba"), bytes => FrameRgba.Write(result.Images[0], bytes, bottomRowFirst: true), FrameRgba.ByteCount(32, 32));
        }

        private static void AssertUpload(string path, Action<byte[]> write, int length)
        {
            var expected = new byte[length];
            write(expected);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{Path.GetFileName(path)} under Mono differs from .NET");
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_out, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>MonoCheck.exe from the same build as this test (the solution builds it: .artifacts/bin/MonoCheck/&lt;configuration&gt;).</summary>
        private static string MonoCheckProgram()
        {
            string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name.Split('_')[0]; // release_linux-x64 → release
            string exe = Path.Combine(SharedData.RepositoryRoot, ".artifacts", "bin", "MonoCheck", configuration, "MonoCheck.exe");
            Assert.True(File.Exists(exe), $"{exe} is missing: build the solution (dotnet build Plugin.sln -c {configuration}), which builds Tests/Mono/MonoCheck.");
            return exe;
        }

        private static string DifferingPixels(byte[] png, RgbImage expected)
        {
            RgbImage actual = PngFile.Decode(png);
            int worst = actual.Pixels.Zip(expected.Pixels, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            return $"{actual.Pixels.Zip(expected.Pixels, (a, b) => a != b).Count(d => d)} pixel bytes differ, by up to {worst} levels";
        }

        private static string? OnPath(string name) =>
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }
}
