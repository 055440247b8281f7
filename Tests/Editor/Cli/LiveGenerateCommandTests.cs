using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>Runs the real <c>livediffusion generate --live</c> and <c>view</c> without a display (headless EGL frames).</summary>
    public sealed class LiveGenerateCommandTests : IDisposable
    {
        private readonly string _out = Path.Combine(Path.GetTempPath(), "ld-live-cli-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_out))
            {
                Directory.Delete(_out, true);
            }
        }

        [Fact]
        public void GenerateLiveWithoutADisplayWritesEveryStepTheTexturesAndARecordingThatViewReplays()
        {
            (int code, string output) = Livediffusion.Run("generate", "--live", "--count", "2", "--class", "floor", "--steps", "8", "--seed", "5", "--out", _out);
            Assert.True(code == 0, output);
            Assert.Contains("no $DISPLAY or $WAYLAND_DISPLAY", output);
            Assert.True(File.Exists(Path.Combine(_out, "floor-5.png")), output);
            Assert.True(File.Exists(Path.Combine(_out, "floor-6.png")), output);

            string live = Path.Combine(_out, "live");
            string[] frames = Directory.GetFiles(Path.Combine(live, "frames"), "*.png").OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.Equal(8, frames.Length);
            Assert.EndsWith("frame-0008-step-08of08.png", frames[^1]);
            Assert.True(File.Exists(Path.Combine(live, "steps-contact-sheet.png")));
            Assert.Contains("recorded 8 steps", output);

            // The recording's last x_t is the texture that was written (to 8 bits).
            var frame = new DenoisingFrame();
            using (FileStream stream = File.OpenRead(Path.Combine(live, DenoisingFrameFormat.FileName)))
            {
                while (DenoisingFrameFormat.TryRead(stream, frame))
                {
                }
            }

            Assert.True(frame.IsFinalStep);
            var final = new TensorBuffer(frame.Batch, frame.Channels, frame.Height, frame.Width, frame.Latents.ToArray());
            Assert.Equal(PngFile.Read(Path.Combine(_out, "floor-5.png")).Pixels, ImageConversion.ToImage(final, 0).Pixels);

            (code, output) = Livediffusion.Run("view", _out, "--view", "tiled");
            Assert.True(code == 0, output);
            Assert.Equal(8, Directory.GetFiles(Path.Combine(live, "replay", "frames"), "*.png").Length);
            Assert.True(File.Exists(Path.Combine(live, "replay", "steps-contact-sheet.png")));
        }

        [Fact]
        public void View_FailsWithTheFixForAFolderWithoutFrames()
        {
            Directory.CreateDirectory(_out);
            (int code, string output) = Livediffusion.Run("view", _out);
            Assert.Equal(2, code);
            Assert.Contains("holds no frames.ldframes", output);
            Assert.Contains("generate --live", output);
        }
    }
}
