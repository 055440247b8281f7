using System;
using System.IO;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Live
{
    /// <summary>One naming rule for saved textures, with each recipe in its PNG; a model's class name cannot steer the path.</summary>
    public sealed class TextureFilesTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-texture-files-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void EachTextureIsNamedAfterItsClassAndSeedAndCarriesItsRecipe()
        {
            var images = new[] { new RgbImage(2, 2, 3), new RgbImage(2, 2, 3, new byte[] { 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9 }) };
            var textures = new GeneratedTextures(images, new[] { "recipe one", "recipe two" }, new TensorBuffer(2, 3, 2, 2));
            var request = new TextureRequest { Count = 2, Seed = 41, ClassName = "wall" };

            var paths = TextureFiles.Save(textures, request, Path.Combine(_folder, "out"));

            Assert.Equal(new[] { Path.Combine(_folder, "out", "wall-41.png"), Path.Combine(_folder, "out", "wall-42.png") }, paths);
            Assert.Equal(images[1].Pixels, PngFile.Read(paths[1]).Pixels);
            Assert.Equal("recipe one", PngTextChunks.Read(File.ReadAllBytes(paths[0]))["parameters"]);
            Assert.Equal("texture-7.png", TextureFiles.NameOf(new TextureRequest { Seed = 7 }, 0));
            Assert.Equal("______etc_passwd-3.png", TextureFiles.NameOf(new TextureRequest { Seed = 3, ClassName = "../../etc/passwd" }, 0));
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
