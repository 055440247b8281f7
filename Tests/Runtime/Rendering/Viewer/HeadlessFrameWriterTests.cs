using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Torch.Models;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests.Viewer
{
    /// <summary>The viewer without a display: EGL, offscreen framebuffer, PNG per step, contact sheet.</summary>
    public sealed class HeadlessFrameWriterTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-headless-" + Guid.NewGuid().ToString("N"));

        public HeadlessFrameWriterTests(ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, true);
            }
        }

        [Fact]
        public void WritesAPngPerStepThatShowsTheFrame_AndAContactSheetOfTheSteps()
        {
            using var channel = new DenoisingFrameChannel();
            var frames = new List<DenoisingFrame>();
            var shown = new List<ShownFrame>();
            using var writer = new HeadlessFrameWriter(channel, _folder, new LiveViewerOptions { FrameShown = shown.Add, Model = "test", Seed = "1" });
            var latents = new TensorBuffer(1, 3, 8, 8);
            var x0 = latents.CreateLike();
            const int Steps = 6;
            for (int step = 0; step < Steps; step++)
            {
                for (int i = 0; i < latents.Length; i++)
                {
                    latents.Span[i] = MathF.Sin((i * 0.37f) + step);
                    x0.Span[i] = MathF.Cos((i * 0.11f) - step) * 1.2f;
                }

                channel.Publish(step, Steps, 1000 - (step * 150), TimeSpan.FromMilliseconds(step * 10), TimeSpan.FromMilliseconds(10), latents, x0);
                var copy = new DenoisingFrame();
                Assert.True(channel.TryReadLatest(0, copy));
                frames.Add(copy);

                // Pace the steps so that every one is written (a fast publisher would see some skipped, by design).
                SpinWait.SpinUntil(() => writer.Written == step + 1, TimeSpan.FromSeconds(30));
            }

            channel.Complete();
            Assert.True(writer.WaitForCompletion(TimeSpan.FromSeconds(30)));
            Assert.Equal(Steps, writer.Written);

            string[] files = Directory.GetFiles(Path.Combine(_folder, "frames"), "*.png").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.Equal(Steps, files.Length);
            Assert.EndsWith("frame-0001-step-01of06.png", files[0]);
            Assert.EndsWith("frame-0006-step-06of06.png", files[^1]);

            // Each PNG, read back from disk, is what was drawn and shows its step: scale 256 / 8 = 32 pixels per texel.
            Assert.Equal(Steps, shown.Count);
            for (int step = 0; step < Steps; step++)
            {
                RgbImage png = PngFile.Read(files[step]);
                Assert.Equal(shown[step].Image.Pixels, png.Pixels);
                Assert.Equal(frames[step].Sequence, shown[step].Frame.Sequence);
                var (left, right) = (shown[step].LatentsPanel, shown[step].PredictedOriginalPanel);
                Assert.Equal((256, 256), (left.Width, left.Height));
                Assert.Equal((2 * 256) + (3 * DenoiseViewRenderer.Margin), png.Width);
                Assert.True(PanelCheck.MaxError(png, left, frames[step], false, LatentEncoding.Pixels) <= 1, $"x_t of step {step + 1}");
                Assert.True(PanelCheck.MaxError(png, right, frames[step], true, LatentEncoding.Pixels) <= 1, $"x0 of step {step + 1}");
            }

            Assert.Single(writer.ContactSheets);
            RgbImage sheet = PngFile.Read(writer.ContactSheets[0]);
            Assert.Equal((Steps * 128) + ((Steps + 1) * 4), sheet.Width); // 6 cells of 8 texels x 16 pixels in one row
            Assert.Equal(128 + (2 * 4), sheet.Height);
        }

        [Fact]
        public void BuiltInModelGenerationWritesItsStepsAndTheFinalStepIsAlwaysAmongThem()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            using var channel = new DenoisingFrameChannel();
            using var writer = new HeadlessFrameWriter(channel, _folder);
            GeneratedTextures result = generator.Generate(new TextureRequest { ClassName = "wall", Seed = 11, Steps = 10, Count = 4 }, channel.Publish);
            channel.Complete();
            Assert.True(writer.WaitForCompletion(TimeSpan.FromSeconds(60)));

            string[] files = Directory.GetFiles(Path.Combine(_folder, "frames"), "*.png");
            _output.WriteLine($"published {channel.Published}, written {writer.Written} (overwritten before the writer got to them: {channel.Overwritten})");
            Assert.Equal(10, channel.Published);
            Assert.Equal(writer.Written, files.Length);
            Assert.True(writer.Written >= 1);
            Assert.Contains(files, f => f.EndsWith("step-10of10.png", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.Combine(_folder, "steps-contact-sheet.png")));
            Assert.Equal(4, result.Images.Count);
        }
    }
}
