using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Imaging;
using LiveDiffusion.Tests;
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

        [Fact]
        public void AClassNameFromAModelConfigNeverSteersWhereAReproducedTextureIsWritten()
        {
            // The built-in model with its first class renamed to climb out of the output folder (model configs are untrusted).
            string model = Path.Combine(_root, "model");
            string builtIn = Path.Combine(SharedData.RepositoryRoot, "Runtime", "BuiltIn", "dungeon-textures");
            foreach (string file in Directory.GetFiles(builtIn, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".safetensors", StringComparison.Ordinal)))
            {
                string target = Path.Combine(model, Path.GetRelativePath(builtIn, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                string text = file.EndsWith("config.json", StringComparison.Ordinal) ? File.ReadAllText(file).Replace("\"floor\"", "\"../../floor\"", StringComparison.Ordinal) : null!;
                if (text != null)
                {
                    File.WriteAllText(target, text);
                }
                else
                {
                    File.Copy(file, target);
                }
            }

            string made = Path.Combine(_root, "out", "made");
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--model", model, "--class", "../../floor", "--count", "1", "--steps", "2", "--seed", "5", "--out", made);
            Assert.True(code == 0, stdout + stderr);
            string original = Assert.Single(Directory.GetFiles(made, "*-5.png"));
            Assert.Equal("______floor-5.png", Path.GetFileName(original));

            string again = Path.Combine(_root, "out", "again");
            (code, stdout, stderr) = Livediffusion.RunSplit("generate", "--model", model, "--recipe-from", original, "--out", again);
            Assert.True(code == 0, stdout + stderr);
            Assert.Equal(PngFile.Read(original).Pixels, PngFile.Read(Path.Combine(again, "______floor-5.png")).Pixels);
            Assert.Equal(new[] { "again", "made" }, Directory.GetFileSystemEntries(Path.Combine(_root, "out")).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
            Assert.False(File.Exists(Path.Combine(_root, "floor-5.png")), "the recipe's class climbed out of --out");
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
