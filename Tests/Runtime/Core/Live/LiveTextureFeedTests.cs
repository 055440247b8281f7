using System;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Live;
using LiveDiffusion.Preview;
using Xunit;

namespace LiveDiffusion.Tests.Live
{
    /// <summary>The main thread's side of a live generation: at most one conversion per poll, always the newest step.</summary>
    public sealed class LiveTextureFeedTests
    {
        [Fact]
        public void EachPollConvertsAtMostTheNewestStepAndEveryStepIsShownOrCountedAsSuperseded()
        {
            const int Steps = 400;
            using var channel = new DenoisingFrameChannel();
            var feed = new LiveTextureFeed(channel, LatentEncoding.Pixels, item: 1, tiles: 3);
            var latents = new TensorBuffer(2, 3, 8, 8);
            var x0 = new TensorBuffer(2, 3, 8, 8);
            var publisher = new Thread(() =>
            {
                for (int step = 0; step < Steps; step++)
                {
                    latents.Span.Fill(step / (float)Steps);
                    x0.Span.Fill(-step / (float)Steps);
                    channel.Publish(step, Steps, Steps - step, TimeSpan.Zero, TimeSpan.Zero, latents, x0);
                }

                channel.Complete();
            });
            publisher.Start();

            // A main thread that renders until the generation ends, converting only what is new at each frame.
            int lastStep = -1;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!channel.IsCompleted || feed.Step < Steps - 1)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the feed showed step {feed.Step} of {Steps} after a minute");
                long before = feed.Updates;
                bool updated = feed.Poll();
                Assert.Equal(updated ? before + 1 : before, feed.Updates);
                if (updated)
                {
                    Assert.True(feed.Step > lastStep, $"step {feed.Step} after {lastStep}: never an older step");
                    lastStep = feed.Step;
                }

                Thread.Sleep(1);
            }

            publisher.Join();
            Assert.False(feed.Poll());
            Assert.Equal(Steps - 1, feed.Step);
            Assert.Equal(Steps, feed.StepCount);
            Assert.True(feed.Updates <= feed.Polls);
            Assert.Equal(Steps, feed.Updates + feed.Superseded);
            Assert.Equal(8, feed.Width);

            // The buffers hold the last step, bottom row first (the default, Unity's order), exactly as FrameRgba writes it.
            var last = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, last));
            var expected = new byte[FrameRgba.ByteCount(8, 8)];
            FrameRgba.Write(last, 1, true, LatentEncoding.Pixels, expected, bottomRowFirst: true);
            Assert.Equal(expected, feed.PredictedOriginal);
            FrameRgba.Write(last, 1, false, LatentEncoding.Pixels, expected, bottomRowFirst: true);
            Assert.Equal(expected, feed.Latents);
            var tiled = new byte[FrameRgba.ByteCount(8, 8, 3)];
            FrameRgba.Write(last, 1, true, LatentEncoding.Pixels, tiled, tiles: 3, bottomRowFirst: true);
            Assert.Equal(tiled, feed.TiledPredictedOriginal);
        }

        [Fact]
        public void NothingNewMeansNoWorkAndAnItemOutsideTheBatchIsNeverShown()
        {
            using var channel = new DenoisingFrameChannel();
            var feed = new LiveTextureFeed(channel, item: 3);
            Assert.False(feed.Poll());
            Assert.Empty(feed.PredictedOriginal);
            Assert.Equal(-1, feed.Step);

            channel.Publish(0, 1, 1f, TimeSpan.Zero, TimeSpan.Zero, new TensorBuffer(2, 3, 4, 4), new TensorBuffer(2, 3, 4, 4));
            Assert.False(feed.Poll());
            Assert.Equal(0, feed.Updates);
            Assert.Throws<ArgumentOutOfRangeException>(() => new LiveTextureFeed(channel, tiles: 9));
        }
    }
}
