using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Live;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// Frame pacing of the engine hand-off (what an engine's main thread pays per rendered frame): bytes and time of one
    /// upload's conversion (a step's x0 and x_t to RGBA, as <see cref="LiveTextureFeed"/> does) per latent shape; and a
    /// 60 Hz main thread polling a publisher that runs as fast as it can (a step is only the copy into the channel: the
    /// harshest case), to show that each rendered frame converts at most one step (the newest), and what the watching
    /// costs the publisher against the same channel unwatched.
    /// </summary>
    internal static class UploadBenchmark
    {
        /// <summary>One shape's cost: RGBA bytes per upload (x0 and x_t textures together) and median microseconds of the conversion.</summary>
        internal sealed record ShapeCost(string Shape, int Bytes, double MedianMicroseconds, double TiledMedianMicroseconds);

        /// <summary>What a 60 Hz consumer saw: polls, conversions, skipped steps, and the publisher's steps per second with and without it.</summary>
        internal sealed record Pacing(long Polls, long Updates, long Superseded, double StepsPerSecondAlone, double StepsPerSecondWatched);

        /// <summary>The conversion cost for a [1, channels, size, size] frame, median of <paramref name="repeats"/> conversions after half a second of warm-up.</summary>
        public static ShapeCost Convert(int size, int channels, LatentEncoding encoding, int repeats)
        {
            DenoisingFrame frame = Frame(size, channels, 1);
            var x0 = new byte[FrameRgba.ByteCount(size, size)];
            var xt = new byte[x0.Length];
            var tiled = new byte[FrameRgba.ByteCount(size, size, 3)];
            var plain = new List<double>();
            var withTiles = new List<double>();
            // Warm up for half a second, so the JIT's optimised code is what gets timed.
            var warmUp = Stopwatch.StartNew();
            while (warmUp.ElapsedMilliseconds < 500)
            {
                FrameRgba.Write(frame, 0, true, encoding, tiled, 3, true);
            }

            for (int r = 0; r < repeats; r++)
            {
                long start = Stopwatch.GetTimestamp();
                FrameRgba.Write(frame, 0, true, encoding, x0, 1, true);
                FrameRgba.Write(frame, 0, false, encoding, xt, 1, true);
                long middle = Stopwatch.GetTimestamp();
                FrameRgba.Write(frame, 0, true, encoding, tiled, 3, true);
                long end = Stopwatch.GetTimestamp();
                plain.Add((middle - start) * 1e6 / Stopwatch.Frequency);
                withTiles.Add((end - start) * 1e6 / Stopwatch.Frequency);
            }

            return new ShapeCost($"{size}x{size}x{channels}", 2 * x0.Length, Median(plain), Median(withTiles));
        }

        /// <summary>
        /// Publishes [1, 4, size, size] steps for <paramref name="seconds"/> as fast as possible, alone and then with a
        /// consumer polling every 1/60 s, and reports what the consumer did.
        /// </summary>
        public static Pacing Pace(int size, double seconds)
        {
            double alone;
            using (var unwatched = new DenoisingFrameChannel())
            {
                alone = Publish(size, seconds, unwatched).Rate;
            }

            using var channel = new DenoisingFrameChannel();
            var feed = new LiveTextureFeed(channel, LatentEncoding.StableDiffusion1);
            (double watched, _) = Publish(size, seconds, channel, () =>
            {
                var frameClock = Stopwatch.StartNew();
                for (long frameIndex = 1; !channel.IsCompleted; frameIndex++)
                {
                    feed.Poll();
                    double wait = (frameIndex * 1000.0 / 60) - frameClock.Elapsed.TotalMilliseconds;
                    Thread.Sleep(Math.Max(0, (int)wait));
                }

                feed.Poll();
            });
            return new Pacing(feed.Polls, feed.Updates, feed.Superseded, alone, watched);
        }

        private static (double Rate, long Steps) Publish(int size, double seconds, DenoisingFrameChannel channel, Action? consumer = null)
        {
            var latents = new TensorBuffer(1, 4, size, size);
            var x0 = new TensorBuffer(1, 4, size, size);
            Thread? reader = consumer == null ? null : new Thread(() => consumer()) { IsBackground = true };
            reader?.Start();
            var clock = Stopwatch.StartNew();
            long steps = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                x0.Span[(int)(steps % x0.Span.Length)] = steps;
                channel.Publish((int)(steps % 1000), 1000, 1, TimeSpan.Zero, TimeSpan.Zero, latents, x0);
                steps++;
            }

            double rate = steps / clock.Elapsed.TotalSeconds;
            channel.Complete();
            reader?.Join();
            return (rate, steps);
        }

        private static DenoisingFrame Frame(int size, int channels, int seed)
        {
            var random = new Random(seed);
            var latents = new TensorBuffer(1, channels, size, size);
            var x0 = new TensorBuffer(1, channels, size, size);
            for (int i = 0; i < latents.Span.Length; i++)
            {
                latents.Span[i] = (float)((random.NextDouble() * 2) - 1);
                x0.Span[i] = (float)((random.NextDouble() * 2) - 1);
            }

            using var channel = new DenoisingFrameChannel();
            channel.Publish(0, 1, 1, TimeSpan.Zero, TimeSpan.Zero, latents, x0);
            var frame = new DenoisingFrame();
            channel.TryReadLatest(0, frame);
            return frame;
        }

        private static double Median(List<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted[sorted.Length / 2];
        }
    }
}
