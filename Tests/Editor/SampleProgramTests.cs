using System;
using System.IO;
using LiveDiffusion.Imaging;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests
{
    public sealed class SampleProgramTests
    {
        private static (int ExitCode, string Output) RunSample(string dll, string workingDirectory, params string[] args)
        {
            using ChildProcess process = ChildProcess.StartDll(dll, args, start => start.WorkingDirectory = workingDirectory);
            return process.WaitForExit(TimeSpan.FromMinutes(5));
        }

        [Fact]
        public void SchedulerLoopSampleLandsOnItsTargetWithEveryScheduler()
        {
            foreach (string scheduler in new[] { "ddim", "euler-a", "dpm++2m" })
            {
                (int code, string output) = RunSample("SchedulerLoop.dll", Path.GetTempPath(), scheduler, "20");
                Assert.True(code == 0, output);
                Assert.Contains("max |result - target|", output);
            }
        }

        [Fact]
        public void TrainYourOwnSampleTrainsAndGenerates()
        {
            using var data = new Training.TinyDataset(size: 32, perClass: 4, withBadFiles: true);
            string work = Path.Combine(Path.GetTempPath(), "ld-sample-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                (int code, string output) = RunSample("TrainYourOwn.dll", work, data.Folder, Path.Combine(work, "run"), "12");
                Assert.True(code == 0, output);
                Assert.Contains($"8 images, {Training.TinyDataset.BadFiles} skipped, classes: checks, stripes", output);
                Assert.True(File.Exists(Path.Combine(work, "run", "generated.png")));
                Assert.True(File.Exists(Path.Combine(work, "run", "model", "unet", "diffusion_pytorch_model.safetensors")));
            }
            finally
            {
                Directory.Delete(work, true);
            }
        }

        [Fact]
        public void GenerateTextureSampleWritesATextureWithItsRecipe()
        {
            string work = Path.Combine(Path.GetTempPath(), "ld-sample-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                (int code, string output) = RunSample("GenerateTexture.dll", work, "wall", "5");
                Assert.True(code == 0, output);

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
    
        [Fact]
        public void LiveViewerSampleStreamsAGenerationIntoTheViewerOrHeadlessFrames()
        {
            string work = Path.Combine(Path.GetTempPath(), "ld-sample-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                // With a display (CI runs under xvfb-run) the sample opens its window; without one it writes PNG frames.
                bool display = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"));
                (int code, string output) = RunSample("LiveViewer.dll", work, "wall", "9", "10");
                Assert.True(code == 0, output);
                Assert.Contains(display ? "the window showed" : "no display: wrote", output);
                Assert.Contains("of 10 steps", output);
                RgbImage texture = PngFile.Read(Path.Combine(work, "wall-9.png"));
                Assert.Equal((32, 32), (texture.Width, texture.Height));
                if (!display)
                {
                    Assert.NotEmpty(Directory.GetFiles(Path.Combine(work, "live-frames", "frames"), "*.png"));
                }
            }
            finally
            {
                Directory.Delete(work, true);
            }
        }
    }
}
