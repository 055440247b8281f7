using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.Editor.Tests.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Onnx
{
    /// <summary>
    /// A model folder run with another padding (<see cref="ModelFolder.WithPadding"/>) or another folder's UNet as its guide
    /// (<see cref="ModelFolder.WithGuide"/>), opened the one way per backend.
    /// </summary>
    public sealed class ModelFolderOverrideTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-override-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void APaddingOverrideRunsTheSameWeightsWithThatPaddingOnBothBackends()
        {
            ModelFolder circular = ModelFolder.Open(TinyModelFolder.Write(Path.Combine(_root, "m"), 16, null, seed: 5));
            UNet2DOnnxExporter.Export(circular.Path);
            ModelFolder zeros = circular.WithPadding(PaddingMode.Zeros);
            Assert.True(zeros.PaddingOverridden);
            Assert.False(circular.WithPadding(PaddingMode.Circular).PaddingOverridden);

            // The exported graph fixed circular padding: it is not used for zeros, and without an exporter that is said.
            var refused = Assert.Throws<ModelConfigException>(() => OnnxTextureGenerator.Load(zeros));
            Assert.Contains("keeps the padding it was exported with", refused.Message);

            var request = new TextureRequest { Count = 2, Seed = 9, Steps = 3 };
            float[] onnxZeros, torchZeros, torchCircular;
            using (TextureGenerator onnx = OnnxTextureGenerator.Load(zeros, UNet2DOnnxExporter.InMemory))
            {
                onnxZeros = onnx.Generate(request).Raw.Array.ToArray();
            }

            using (TextureGenerator torch = TorchTextureGenerator.Load(zeros))
            {
                torchZeros = torch.Generate(request).Raw.Array.ToArray();
            }

            using (TextureGenerator torch = TorchTextureGenerator.Load(circular))
            {
                torchCircular = torch.Generate(request).Raw.Array.ToArray();
            }

            // The two backends agree to within float rounding; the padding really changed the result.
            Assert.True(MaxDifference(onnxZeros, torchZeros) < 1e-3f, $"ONNX and Torch with zero padding differ by {MaxDifference(onnxZeros, torchZeros)}");
            Assert.True(MaxDifference(torchZeros, torchCircular) > 1e-2f);
        }

        [Fact]
        public void AnotherFoldersUNetGuidesInsteadOfTheFoldersOwnAndItsRecommendationIsDropped()
        {
            string model = TinyModelFolder.Write(Path.Combine(_root, "model"), 16, new[] { "a", "b" }, seed: 1);
            string own = TinyModelFolder.Write(Path.Combine(_root, "own"), 8, new[] { "a", "b" }, seed: 2);
            string other = TinyModelFolder.Write(Path.Combine(_root, "other"), 8, new[] { "a", "b" }, seed: 3);
            ModelFolder withOwn = ModelFolder.AttachGuide(model, own, 1.7f, (0f, 400f));
            ModelFolder withOther = withOwn.WithGuide(ModelFolder.Open(other));
            Assert.Equal(Path.Combine(Path.GetFullPath(other), "unet"), withOther.GuideUNetFolder);
            Assert.Equal((1f, ((float, float)?)null), (withOther.AutoguidanceScale, withOther.AutoguidanceInterval));

            var request = new TextureRequest { Count = 1, Seed = 2, Steps = 3, ClassName = "a", AutoguidanceScale = 2f };
            using TextureGenerator byOther = TorchTextureGenerator.Load(withOther);
            using TextureGenerator byOwn = TorchTextureGenerator.Load(withOwn);
            Assert.True(MaxDifference(byOther.Generate(request).Raw.Array, byOwn.Generate(request).Raw.Array) > 1e-3f);

            // A model that cannot guide is refused with the reason.
            string wide = TinyModelFolder.Write(Path.Combine(_root, "unconditional"), 8, null, seed: 4);
            Assert.Contains("classes", Assert.Throws<ModelConfigException>(() => withOwn.WithGuide(ModelFolder.Open(wide))).Message);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static float MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
    }
}
