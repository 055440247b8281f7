using System;
using System.IO;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class DenoisingFrameRecorderTests : IDisposable
    {
        private readonly string _file = Path.Combine(Path.GetTempPath(), "ld-frames-" + Guid.NewGuid().ToString("N"), DenoisingFrameFormat.FileName);

        public void Dispose()
        {
            string folder = Path.GetDirectoryName(_file)!;
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void RecordsEveryStepInOrderWhileThePublisherRunsFree()
        {
            const int Steps = 40;
            using var channel = new DenoisingFrameChannel(Steps + 2);
            using var recorder = new DenoisingFrameRecorder(channel, _file);
            var latents = new TensorBuffer(2, 3, 16, 16);
            var x0 = latents.CreateLike();
            for (int i = 0; i < Steps; i++)
            {
                latents.Span.Fill(i);
                x0.Span.Fill(-i);
                channel.Publish(i, Steps, 1000 - i, TimeSpan.FromMilliseconds(i), TimeSpan.FromMilliseconds(1), latents, x0);
            }

            channel.Complete();
            Assert.True(recorder.WaitForCompletion(TimeSpan.FromSeconds(30)));
            Assert.Equal(Steps, recorder.Recorded);
            Assert.Equal(0, recorder.Missed);

            using FileStream stream = File.OpenRead(_file);
            var frame = new DenoisingFrame();
            for (int i = 0; i < Steps; i++)
            {
                Assert.True(DenoisingFrameFormat.TryRead(stream, frame));
                Assert.Equal((i, i + 1L, (float)i, (float)-i), (frame.Index, frame.Sequence, frame.Latents[0], frame.PredictedOriginal[frame.Length - 1]));
            }

            Assert.False(DenoisingFrameFormat.TryRead(stream, frame));
        }
    }
}
