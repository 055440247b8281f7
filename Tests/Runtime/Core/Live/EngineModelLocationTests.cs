using System.IO;
using LiveDiffusion.Imaging;
using LiveDiffusion.Live;
using Xunit;

namespace LiveDiffusion.Tests.Live
{
    /// <summary>Where an engine host finds a component's model, and a finished texture as engine bytes.</summary>
    public sealed class EngineModelLocationTests
    {
        [Fact]
        public void TheBuiltInModelComesFromThePackageInTheEditorAndFromStreamingAssetsInAPlayer()
        {
            string streaming = Path.Combine(Path.GetTempPath(), "Game_Data", "StreamingAssets");
            Assert.Equal(Path.Combine(SharedData.RepositoryRoot, "Runtime", "BuiltIn", "dungeon-textures"), EngineModelLocation.Resolve("", SharedData.RepositoryRoot, streaming));
            Assert.Equal(Path.Combine(streaming, "LiveDiffusion", "dungeon-textures"), EngineModelLocation.Resolve(null, null, streaming));
            Assert.Equal(Path.Combine(streaming, "Models", "mine"), EngineModelLocation.Resolve("Models/mine", SharedData.RepositoryRoot, streaming));
            Assert.Equal("/abs/model", EngineModelLocation.Resolve("/abs/model", null, streaming));
            Assert.Throws<DirectoryNotFoundException>(() => EngineModelLocation.Resolve(" ", Path.GetTempPath(), streaming));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(4)]
        public void AFinishedTextureBecomesRgbaWithGreySpreadAndAlphaKept(int channels)
        {
            var pixels = new byte[2 * 2 * channels];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(10 + i);
            }

            var rgba = new byte[16];
            FrameRgba.Write(new RgbImage(2, 2, channels, pixels), rgba, bottomRowFirst: true);
            for (int y = 0; y < 2; y++)
            {
                for (int x = 0; x < 2; x++)
                {
                    int p = ((y * 2) + x) * channels, q = (((1 - y) * 2) + x) * 4; // bottom row first
                    Assert.Equal(pixels[p], rgba[q]);
                    Assert.Equal(pixels[channels >= 3 ? p + 1 : p], rgba[q + 1]);
                    Assert.Equal(pixels[channels >= 3 ? p + 2 : p], rgba[q + 2]);
                    Assert.Equal(channels == 4 ? pixels[p + 3] : 255, rgba[q + 3]);
                }
            }
        }
    }
}
