using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Onnx
{
    /// <summary>The built-in model exported to ONNX generates the same textures as the TorchSharp backend for the same seed.</summary>
    public sealed class BuiltInModelOnnxTests
    {
        /// <summary>
        /// The package ships the built-in model's ONNX files (the runtime in an engine cannot export: no libtorch, no
        /// exporter); they must be exactly what the exporter makes from the committed weights today, so the two never drift.
        /// Fix a failure with <c>./livediffusion export --model Runtime/BuiltIn/dungeon-textures</c> and commit both files.
        /// </summary>
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TheCommittedOnnxFilesAreExactlyAFreshExportOfTheCommittedWeights(bool guide)
        {
            ModelFolder folder = ModelFolder.Open(BuiltInModels.Locate());
            string committed = guide ? folder.GuideOnnxPath : folder.OnnxPath;
            Assert.True(File.Exists(committed), $"{committed} is missing: run ./livediffusion export --model Runtime/BuiltIn/dungeon-textures");
            byte[] fresh = UNet2DOnnxExporter.InMemory(folder, guide);
            byte[] onDisk = File.ReadAllBytes(committed);
            Assert.True(fresh.AsSpan().SequenceEqual(onDisk), $"{committed} ({onDisk.Length} bytes) differs from a fresh export ({fresh.Length} bytes): run ./livediffusion export --model Runtime/BuiltIn/dungeon-textures and commit it.");
        }

        [Theory]
        [InlineData("ddim", 25)]
        [InlineData("dpm++2m", 25)]
        [InlineData("euler-a", 12)]
        public void OnnxBackendReproducesTheTorchBackend(string scheduler, int steps)
        {
            ModelFolder folder = ModelFolder.Open(BuiltInModels.Locate());
            byte[] onnx = UNet2DOnnxExporter.Build(folder).ToBytes();
            var request = new TextureRequest { Count = 3, Seed = 41, ClassName = "wall", Steps = steps, Scheduler = scheduler, GuidanceScale = 1.5f };

            GeneratedTextures torch;
            using (var generator = new TextureGenerator(folder, TorchDenoiser.Load(folder.UNetFolder, folder.Scheduler.PredictionType)))
            {
                torch = generator.Generate(request);
            }

            GeneratedTextures viaOnnx;
            var model = OnnxModel.FromBytes(onnx, "built-in (exported)");
            using (var generator = new TextureGenerator(folder, new OnnxDenoiser(model, DenoiserInfo.For(folder.UNet, folder.Scheduler.PredictionType, "onnx"), ownsModel: true)))
            {
                viaOnnx = generator.Generate(request);
            }

            // Tolerance: both backends compute in float32 with different kernels (~1e-6 per UNet call; measured
            // 1.5e-6 (DDIM) and 3e-6 (Euler a) on the final outputs), so allow 1e-4 on raw outputs in [-1, 1] and one
            // 8-bit level on the PNG pixels (a value on a rounding boundary may land either side).
            float maxRaw = torch.Raw.Array.Zip(viaOnnx.Raw.Array, (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(maxRaw <= 1e-4f, $"{scheduler}: raw outputs differ by up to {maxRaw:E2}");
            for (int i = 0; i < torch.Images.Count; i++)
            {
                byte[] a = torch.Images[i].Pixels, b = viaOnnx.Images[i].Pixels;
                int maxLevel = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
                Assert.True(maxLevel <= 1, $"{scheduler}, image {i}: pixels differ by up to {maxLevel} levels");
            }
        }
    }
}
