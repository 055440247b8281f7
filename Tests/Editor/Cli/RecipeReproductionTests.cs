using System;
using System.IO;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>
    /// `generate --recipe-from` on textures made in a batch, through the real command line with the built-in model:
    /// the same bytes, whatever the texture's place in its batch (each recipe records it and the batch is rerun).
    /// </summary>
    public sealed class RecipeReproductionTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-recipes-" + Guid.NewGuid().ToString("N"));

        [Theory]
        [InlineData("torch", 16, new[] { 0, 9, 15 })]
        [InlineData("onnx", 3, new[] { 0, 1, 2 })]
        public void ATextureOfABatchIsReproducedByteForByteFromItsRecipe(string backend, int count, int[] positions)
        {
            string made = Path.Combine(_root, backend);
            // A batch of 16 is where libtorch would consider NNPACK: on CPUs it does not support, that printed a line per convolution.
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--backend", backend, "--class", "wall", "--count", count.ToString(),
                "--steps", "3", "--seed", "40", "--out", made);
            Assert.True(code == 0, stdout + stderr);
            Assert.DoesNotContain("NNPACK", stderr, StringComparison.OrdinalIgnoreCase);

            foreach (int position in positions)
            {
                string original = Path.Combine(made, $"wall-{40 + position}.png");
                string again = Path.Combine(_root, backend + "-again-" + position);
                (code, stdout, stderr) = Livediffusion.RunSplit("generate", "--backend", backend, "--recipe-from", original, "--out", again);
                Assert.True(code == 0, stdout + stderr);
                Assert.DoesNotContain("NNPACK", stderr, StringComparison.OrdinalIgnoreCase);
                string copy = Path.Combine(again, $"wall-{40 + position}.png");
                Assert.Equal(PngFile.Read(original).Pixels, PngFile.Read(copy).Pixels);
                Assert.Equal(PngTextChunks.Read(File.ReadAllBytes(original))["parameters"], PngTextChunks.Read(File.ReadAllBytes(copy))["parameters"]);
            }
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
    }
}
