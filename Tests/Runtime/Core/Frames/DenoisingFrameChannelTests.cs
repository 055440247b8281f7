using System;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class DenoisingFrameChannelTests
    {
        private static (TensorBuffer Latents, TensorBuffer X0) Tensors(int n, int c, int h, int w, float value)
        {
            var latents = new TensorBuffer(n, c, h, w);
            var x0 = latents.CreateLike();
            Fill(latents, x0, value);
            return (latents, x0);
        }

        private static void Fill(TensorBuffer latents, TensorBuffer x0, float value)
        {
            latents.Span.Fill(value);
            x0.Span.Fill(-value);
        }

        private static bool Publish(DenoisingFrameChannel channel, int index, TensorBuffer latents, TensorBuffer x0) =>
            channel.Publish(index, 10, 999 - index, TimeSpan.FromMilliseconds(index * 5), TimeSpan.FromMilliseconds(5), latents, x0);

        [Fact]
        public void PublishedStepIsCopiedWithItsNumbersAndShape()
        {
            using var channel = new DenoisingFrameChannel();
            var (latents, x0) = Tensors(2, 4, 3, 5, 0f);
            for (int i = 0; i < latents.Length; i++)
            {
                latents.Span[i] = i;
                x0.Span[i] = -i;
            }

            Assert.True(channel.Publish(3, 20, 741f, TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(12), latents, x0));
            latents.Span.Fill(42f); // the denoiser moves on; the frame must keep the published values

            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame));
            Assert.Equal((1L, 3, 20, 741f), (frame.Sequence, frame.Index, frame.Count, frame.Timestep));
            Assert.Equal((TimeSpan.FromSeconds(1.5), TimeSpan.FromMilliseconds(12)), (frame.Elapsed, frame.StepTime));
            Assert.Equal((2, 4, 3, 5), (frame.Batch, frame.Channels, frame.Height, frame.Width));
            Assert.Equal(2 * 4 * 3 * 5, frame.Length);
            for (int i = 0; i < frame.Length; i++)
            {
                Assert.Equal(i, frame.Latents[i]);
                Assert.Equal(-i, frame.PredictedOriginal[i]);
            }

            Assert.False(frame.IsFinalStep);
            Assert.Equal(1, channel.Published);
            Assert.False(channel.TryReadLatest(frame.Sequence, frame));
        }

        [Fact]
        public void NewestFrameWinsAndUnreadFramesAreCountedAsOverwritten()
        {
            using var channel = new DenoisingFrameChannel(3);
            var (latents, x0) = Tensors(1, 3, 4, 4, 0f);
            for (int i = 0; i < 5; i++)
            {
                Fill(latents, x0, i);
                Assert.True(Publish(channel, i, latents, x0));
            }

            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame));
            Assert.Equal(5, frame.Sequence);
            Assert.Equal(4, frame.Index);
            Assert.Equal(4f, frame.Latents[0]);
            Assert.Equal(4, channel.Overwritten);
            Assert.Equal(0, channel.Dropped);

            Publish(channel, 5, latents, x0);
            Assert.Equal(4, channel.Overwritten); // the frame that was read is not counted when it is replaced
        }

        [Fact]
        public void ALeasedFrameStaysIntactWhileThePublisherMovesOn()
        {
            using var channel = new DenoisingFrameChannel(3);
            var (latents, x0) = Tensors(1, 4, 8, 8, 1f);
            Publish(channel, 0, latents, x0);
            Assert.True(channel.TryLease(0, out DenoisingFrameLease lease));
            using (lease)
            {
                for (int i = 1; i < 20; i++)
                {
                    Fill(latents, x0, i + 1);
                    Assert.True(Publish(channel, i, latents, x0));
                }

                Assert.Equal(1, lease.Frame.Sequence);
                Assert.All(lease.Frame.Latents.ToArray(), v => Assert.Equal(1f, v));
                Assert.All(lease.Frame.PredictedOriginal.ToArray(), v => Assert.Equal(-1f, v));
            }

            Assert.Equal(0, channel.Dropped);
            Assert.True(channel.TryLease(1, out DenoisingFrameLease newest));
            using (newest)
            {
                Assert.Equal(20, newest.Frame.Sequence);
                Assert.Equal(20f, newest.Frame.Latents[0]);
            }
        }

        [Fact]
        public void TryLeaseNextReachesBackIntoTheRingInOrder()
        {
            using var channel = new DenoisingFrameChannel(3);
            var (latents, x0) = Tensors(1, 3, 2, 2, 0f);
            for (int i = 1; i <= 5; i++)
            {
                Fill(latents, x0, i);
                Publish(channel, i, latents, x0);
            }

            // Three slots hold the three newest frames: 3, 4 and 5, handed out oldest first.
            long seen = 0;
            var order = new System.Collections.Generic.List<long>();
            while (channel.TryLeaseNext(seen, out DenoisingFrameLease lease))
            {
                using (lease)
                {
                    Assert.Equal((float)lease.Frame.Sequence, lease.Frame.Latents[0]);
                    seen = lease.Frame.Sequence;
                    order.Add(seen);
                }
            }

            Assert.Equal(new long[] { 3, 4, 5 }, order);
            Assert.False(channel.TryLeaseNext(5, out _));
        }

        [Fact]
        public void WhenEveryOtherSlotIsLeasedTheStepIsDroppedNotWaitedFor()
        {
            using var channel = new DenoisingFrameChannel(2);
            var (latents, x0) = Tensors(1, 3, 2, 2, 0f);
            Publish(channel, 0, latents, x0);                  // slot A, newest
            Assert.True(channel.TryLease(0, out DenoisingFrameLease held));
            Assert.True(Publish(channel, 1, latents, x0));     // slot B becomes newest; A is leased
            Assert.False(Publish(channel, 2, latents, x0));    // A leased, B newest: nowhere to write
            Assert.Equal(1, channel.Dropped);
            Assert.Equal(2, channel.Published);
            held.Dispose();
            Assert.True(Publish(channel, 3, latents, x0));
            Assert.Equal(3, channel.Published);
        }

        [Fact]
        public void PublishAllocatesNothingOnceWarm()
        {
            using var channel = new DenoisingFrameChannel();
            var (latents, x0) = Tensors(8, 3, 32, 32, 0.5f);
            var step = PipelineStep(latents, x0);
            using var stop = new CancellationTokenSource();

            // A consumer on another thread reads every frame it can, as a viewer would.
            long seen = 0;
            var consumer = new Thread(() =>
            {
                var frame = new DenoisingFrame();
                while (!stop.IsCancellationRequested)
                {
                    if (channel.WaitForFrame(seen, TimeSpan.FromMilliseconds(50)) && channel.TryReadLatest(seen, frame))
                    {
                        Volatile.Write(ref seen, frame.Sequence);
                    }
                }
            });
            Action<DenoisingStep> onStep = channel.Publish;
            for (int i = 0; i < 2 * channel.Capacity; i++)
            {
                // Warm-up, before the consumer starts: every slot grows to the shape once. (With the consumer running, a
                // slot it held at each of its turns stayed ungrown, and grew inside the measured loop: a flake under load.)
                onStep(step);
            }

            consumer.Start();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 500; i++)
            {
                onStep(step);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // The newest frame stays in the channel: give a consumer thread that the scheduler kept waiting under load
            // time to take it before stopping it.
            SpinWait.SpinUntil(() => Volatile.Read(ref seen) > 0, TimeSpan.FromSeconds(30));
            stop.Cancel();
            consumer.Join();
            Assert.Equal(0, allocated);
            Assert.Equal(500 + (2 * channel.Capacity), channel.Published + channel.Dropped);
            Assert.True(seen > 0, "the consumer never saw a frame");
        }

        [Fact]
        public void ConcurrentConsumersNeverSeeATornOrOlderFrame()
        {
            using var channel = new DenoisingFrameChannel(4);
            var (latents, x0) = Tensors(1, 4, 16, 16, 0f);
            const int Steps = 3000;
            var failures = new string?[2];
            var consumers = new Thread[2];
            for (int k = 0; k < consumers.Length; k++)
            {
                int id = k;
                consumers[k] = new Thread(() =>
                {
                    long seen = 0;
                    while (channel.WaitForFrame(seen, TimeSpan.FromSeconds(10)))
                    {
                        if (!channel.TryLease(seen, out DenoisingFrameLease lease))
                        {
                            continue;
                        }

                        using (lease)
                        {
                            DenoisingFrame f = lease.Frame;
                            if (f.Sequence <= seen)
                            {
                                failures[id] = $"sequence went from {seen} to {f.Sequence}";
                                return;
                            }

                            // Every element of frame k holds k: a torn frame would mix two values.
                            float expected = f.Sequence;
                            foreach (float v in f.Latents)
                            {
                                if (v != expected)
                                {
                                    failures[id] = $"frame {f.Sequence} holds {v} in x_t";
                                    return;
                                }
                            }

                            foreach (float v in f.PredictedOriginal)
                            {
                                if (v != -expected)
                                {
                                    failures[id] = $"frame {f.Sequence} holds {v} in x0";
                                    return;
                                }
                            }

                            seen = f.Sequence;
                            if (id == 1)
                            {
                                Thread.SpinWait(2000); // a slower consumer
                            }
                        }
                    }
                });
                consumers[k].Start();
            }

            for (int i = 1; i <= Steps; i++)
            {
                Fill(latents, x0, i);
                Assert.True(Publish(channel, i, latents, x0), $"step {i} was dropped with capacity 4 and two consumers");
            }

            channel.Complete();
            foreach (Thread t in consumers)
            {
                Assert.True(t.Join(TimeSpan.FromSeconds(30)));
            }

            Assert.Null(failures[0]);
            Assert.Null(failures[1]);
            Assert.Equal(Steps, channel.Published);
            Assert.Equal(0, channel.Dropped);
        }

        [Fact]
        public void WaitForFrameWakesOnPublishTimesOutAndEndsOnComplete()
        {
            using var channel = new DenoisingFrameChannel();
            Assert.False(channel.WaitForFrame(0, TimeSpan.FromMilliseconds(30)));

            var (latents, x0) = Tensors(1, 3, 2, 2, 1f);
            var publisher = new Thread(() =>
            {
                Thread.Sleep(50);
                Publish(channel, 0, latents, x0);
            });
            publisher.Start();
            Assert.True(channel.WaitForFrame(0, TimeSpan.FromSeconds(10)));
            publisher.Join();
            Assert.True(channel.WaitForFrame(0, TimeSpan.Zero)); // a newer frame is there already

            var completer = new Thread(() =>
            {
                Thread.Sleep(50);
                channel.Complete();
            });
            completer.Start();
            Assert.False(channel.WaitForFrame(1, Timeout.InfiniteTimeSpan));
            completer.Join();
            Assert.True(channel.IsCompleted);

            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame)); // the last frame stays readable
            Assert.Throws<InvalidOperationException>(() => Publish(channel, 1, latents, x0));
        }

        [Fact]
        public void WaitForFrameThrowsWhenCancelled()
        {
            using var channel = new DenoisingFrameChannel();
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            Assert.ThrowsAny<OperationCanceledException>(() => channel.WaitForFrame(0, Timeout.InfiniteTimeSpan, cancel.Token));
        }

        [Fact]
        public async Task WaitForFrameAsyncWakesOnPublishTimesOutAndCancels()
        {
            using var channel = new DenoisingFrameChannel();
            Assert.False(await channel.WaitForFrameAsync(0, TimeSpan.FromMilliseconds(30)));

            var (latents, x0) = Tensors(1, 3, 2, 2, 1f);
            Task<bool> waiting = channel.WaitForFrameAsync(0, TimeSpan.FromSeconds(10));
            await Task.Delay(30);
            Assert.False(waiting.IsCompleted);
            Publish(channel, 0, latents, x0);
            Assert.True(await waiting);

            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.WaitForFrameAsync(1, Timeout.InfiniteTimeSpan, cancel.Token));

            channel.Complete();
            Assert.False(await channel.WaitForFrameAsync(1, Timeout.InfiniteTimeSpan));
        }

        [Fact]
        public void Constructor_ThrowsForCapacityBelowTwo()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DenoisingFrameChannel(1));
            Assert.Equal("capacity", e.ParamName);
        }

        [Fact]
        public void Publish_ThrowsForMismatchedShapes()
        {
            using var channel = new DenoisingFrameChannel();
            var latents = new TensorBuffer(1, 4, 8, 8);
            var x0 = new TensorBuffer(1, 3, 8, 8);
            var e = Assert.Throws<ArgumentException>(() => channel.Publish(0, 1, 0f, TimeSpan.Zero, TimeSpan.Zero, latents, x0));
            Assert.Equal("predictedOriginal", e.ParamName);
            Assert.Throws<ArgumentNullException>(() => channel.Publish((DenoisingStep)null!));
            Assert.Throws<ArgumentNullException>(() => channel.Publish((DenoisingFrame)null!));
        }

        [Fact]
        public void ReleasingALeaseTwice_Throws()
        {
            using var channel = new DenoisingFrameChannel();
            var (latents, x0) = Tensors(1, 3, 2, 2, 1f);
            Publish(channel, 0, latents, x0);
            Assert.True(channel.TryLease(0, out DenoisingFrameLease lease));
            lease.Dispose();
            Assert.Throws<InvalidOperationException>(() => lease.Dispose());
            Assert.True(Publish(channel, 1, latents, x0));
        }

        private static DenoisingStep PipelineStep(TensorBuffer latents, TensorBuffer x0) =>
            new DenoisingStep(latents, x0) { Index = 1, Count = 25, Timestep = 900f, Elapsed = TimeSpan.FromSeconds(1), StepTime = TimeSpan.FromMilliseconds(40) };
    }
}
