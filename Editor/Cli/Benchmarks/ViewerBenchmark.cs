using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Gl;
using LiveDiffusion.Rendering.Platform;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// What watching costs: the same generation (same model, seed, steps) with the live viewer attached against the
    /// same generation with no consumer, alternated and repeated, as a ratio of wall times; and the viewer's own
    /// cost per frame (CPU interleave, glTexSubImage2D upload, draw to glFinish) for a given latent shape.
    /// </summary>
    internal static class ViewerBenchmark
    {
        /// <summary>Wall times of one configuration, in seconds.</summary>
        internal sealed record Timing(string Name, IReadOnlyList<double> Seconds)
        {
            public double Median => ViewerBenchmark.Median(Seconds);

            /// <summary>The fastest run: on a shared machine other work only ever adds time, so this is the steadiest figure.</summary>
            public double Best => Seconds.Min();
        }

        /// <summary>Per-frame costs of the viewer for one latent shape, in milliseconds (medians).</summary>
        internal sealed record FrameCost(string Shape, double InterleaveAndUploadMs, double DrawMs, double TotalMs, int Frames);

        /// <summary>
        /// Runs <paramref name="generate"/> <paramref name="repeats"/> times in each configuration, alternating:
        /// no consumer at all (onStep null), a channel nobody reads, and the channel with <paramref name="attach"/>'s
        /// consumer. One untimed warm-up run of each comes first.
        /// </summary>
        public static IReadOnlyList<Timing> Generation(Action<Action<DenoisingStep>?> generate, Func<DenoisingFrameChannel, IDisposable> attach, string attachedName, int repeats)
        {
            var none = new List<double>();
            var channelOnly = new List<double>();
            var attached = new List<double>();
            for (int r = -1; r < repeats; r++)
            {
                double a = Time(() => generate(null));
                double b;
                using (var channel = new DenoisingFrameChannel())
                {
                    b = Time(() => generate(channel.Publish));
                }

                double c;
                using (var channel = new DenoisingFrameChannel())
                {
                    IDisposable consumer = attach(channel);
                    try
                    {
                        c = Time(() => generate(channel.Publish));
                    }
                    finally
                    {
                        channel.Complete();
                        consumer.Dispose();
                    }
                }

                if (r >= 0)
                {
                    none.Add(a);
                    channelOnly.Add(b);
                    attached.Add(c);
                }
            }

            return new[]
            {
                new Timing("no consumer (onStep = null)", none),
                new Timing("frame channel, nobody reading", channelOnly),
                new Timing(attachedName, attached),
            };
        }

        /// <summary>
        /// Uploads and draws <paramref name="frames"/> frames of shape [1, <paramref name="channels"/>, size, size] (x_t
        /// and x0, as the viewer does) on a headless context into a 1280x720 target, timing each phase to glFinish.
        /// </summary>
        public static FrameCost UploadAndDraw(int channels, int size, int frames)
        {
            var latents = new TensorBuffer(1, channels, size, size);
            var x0 = latents.CreateLike();
            var noise = new NoiseGenerator(3);
            noise.FillGaussian(latents.Span);
            noise.FillGaussian(x0.Span);
            using var channel = new DenoisingFrameChannel();
            var frame = new DenoisingFrame();
            using var context = new HeadlessGlContext();
            GL gl = context.Gl;
            using var renderer = new DenoiseViewRenderer(gl);
            using var target = new OffscreenTarget(gl, 1280, 720);
            var style = new LatentStyle { Encoding = channels == 4 ? LatentEncoding.StableDiffusion1 : LatentEncoding.Pixels };
            var upload = new List<double>();
            var draw = new List<double>();
            var total = new List<double>();
            for (int i = -3; i < frames; i++)
            {
                latents.Span[0] = i;
                channel.Publish(i, frames, 0f, TimeSpan.Zero, TimeSpan.Zero, latents, x0);
                channel.TryReadLatest(0, frame);
                target.Bind();
                gl.Finish();
                long t0 = Stopwatch.GetTimestamp();
                renderer.Upload(frame);
                gl.Finish();
                long t1 = Stopwatch.GetTimestamp();
                renderer.Render(target.Width, target.Height, style);
                gl.Finish();
                long t2 = Stopwatch.GetTimestamp();
                if (i >= 0)
                {
                    upload.Add(Ms(t1 - t0));
                    draw.Add(Ms(t2 - t1));
                    total.Add(Ms(t2 - t0));
                }
            }

            return new FrameCost($"1x{channels}x{size}x{size}", Median(upload), Median(draw), Median(total), frames);
        }

        internal static double Median(IReadOnlyList<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            int n = sorted.Length;
            return n == 0 ? double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
        }

        private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

        private static double Time(Action action)
        {
            var clock = Stopwatch.StartNew();
            action();
            return clock.Elapsed.TotalSeconds;
        }
    }
}
