using System;
using System.Diagnostics;
using System.IO;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests
{
    public sealed class SampleProgramTests
    {
        [Fact]
        public void GenerateTextureSampleWritesATextureWithItsRecipe()
        {
            string work = Path.Combine(Path.GetTempPath(), "ld-sample-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GenerateTexture.dll"));
                start.ArgumentList.Add("wall");
                start.ArgumentList.Add("5");
                using Process process = Process.Start(start)!;
                string stdout = process.StandardOutput.ReadToEnd();
                string stderr = process.StandardError.ReadToEnd();
                Assert.True(process.WaitForExit(300_000));
                Assert.True(process.ExitCode == 0, stdout + stderr);

                byte[] png = File.ReadAllBytes(Path.Combine(work, "wall-5.png"));
                RgbImage texture = PngFile.Decode(png);
                Assert.Equal((32, 32), (texture.Width, texture.Height));
                string recipe = PngTextChunks.Read(png)["parameters"];
                Assert.StartsWith("wall\n", recipe);
                Assert.Contains("Seed: 5", recipe);
                RgbImage tiled = PngFile.Read(Path.Combine(work, "wall-5-tiled.png"));
                Assert.Equal(32 * 4 * 3, tiled.Width);
            }
            finally
            {
                Directory.Delete(work, true);
            }
        }
    }
}
