using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Text;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>Measurements for <c>livediffusion bench onnx</c>.</summary>
    internal static class OnnxBenchmarks
    {
        private const int QuietMilliseconds = 250;

        /// <summary>
        /// Median seconds per <see cref="IDenoiser.Predict"/> of each denoiser on the same inputs, measured in
        /// alternating blocks (5 calls of A, 5 of B, …) so that drift in machine load hits both alike. Each block starts
        /// after a quiet pause, so that the other runtime's worker threads (libtorch's OpenMP threads spin-wait after
        /// a call; ONNX Runtime's do unless <see cref="Onnx.OnnxSessionSettings.AllowSpinning"/> is off) have gone to
        /// sleep and do not steal the cores from the block being timed.
        /// </summary>
        public static double[] InterleavedMedians(IReadOnlyList<IDenoiser> denoisers, int batch, int size, int warmup, int rounds)
        {
            DenoiserInfo info = denoisers[0].Info;
            var sample = new TensorBuffer(batch, info.InChannels, size, size);
            new NoiseGenerator(1).FillGaussian(sample);
            var input = new DenoiserInput(sample) { Timestep = 500f };
            if (info.ClassCount > 0)
            {
                input.ClassLabels = Enumerable.Range(0, batch).Select(i => i % info.ClassCount).ToArray();
            }

            var output = new TensorBuffer(batch, info.OutChannels, size, size);
            var times = denoisers.Select(_ => new List<double>()).ToArray();
            const int Block = 5;
            for (int round = 0; round < warmup + rounds; round += Block)
            {
                for (int d = 0; d < denoisers.Count; d++)
                {
                    Thread.Sleep(QuietMilliseconds);
                    for (int k = 0; k < Block; k++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        denoisers[d].Predict(input, output);
                        if (round + k >= warmup)
                        {
                            times[d].Add((Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency);
                        }
                    }
                }
            }

            return times.Select(t => t.OrderBy(v => v).ElementAt(t.Count / 2)).ToArray();
        }

        /// <summary>
        /// Time and managed bytes per step that the Stable Diffusion pipeline spends outside model calls (scale the
        /// input, assemble the CFG batch, guidance, scheduler step, callback) on a 4×64×64 latent with CFG. The model
        /// calls are made by <see cref="StandInDenoiser"/>, whose own time and allocations are measured and subtracted.
        /// </summary>
        public static (double MillisecondsPerStep, double BytesPerStep) PipelineOverhead(ClipTokenizer tokenizer, string scheduler, int steps)
        {
            var unet = new StandInDenoiser();
            var pipeline = new StableDiffusionPipeline(tokenizer, new StandInTextEncoder(), unet, new StandInDecoder(), null,
                SchedulerRegistry.DefaultConfig(scheduler).CreateScheduler());
            var request = new StableDiffusionRequest { Prompt = "a mossy dungeon floor", NegativePrompt = "blurry", Steps = steps, Width = 512, Height = 512, GuidanceScale = 7.5f };
            double loopSeconds = 0;
            long loopBytes = 0, lastBytes = 0;
            long lastTicks = 0;
            int counted = 0;
            const int Warmup = 3;
            pipeline.Generate(request); // warm every code path once
            unet.Reset();
            pipeline.Generate(request, step =>
            {
                long now = Stopwatch.GetTimestamp();
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                if (step.Index >= Warmup)
                {
                    loopSeconds += (now - lastTicks) / (double)Stopwatch.Frequency;
                    loopBytes += bytes - lastBytes;
                    counted++;
                }
                else
                {
                    unet.Reset();
                }

                lastTicks = Stopwatch.GetTimestamp();
                lastBytes = GC.GetAllocatedBytesForCurrentThread();
            });
            double overhead = (loopSeconds - unet.Seconds) / counted;
            double bytesPerStep = (loopBytes - unet.Bytes) / (double)counted;
            return (overhead * 1000, bytesPerStep);
        }

        /// <summary>A stand-in model call for overhead measurement: writes 0.1·sample into the output, timing itself.</summary>
        private sealed class StandInDenoiser : IDenoiser
        {
            public DenoiserInfo Info { get; } = new DenoiserInfo { InChannels = 4, OutChannels = 4, SampleSize = 64, TextEmbeddingWidth = 768, Name = "stand-in" };

            public double Seconds { get; private set; }

            public long Bytes { get; private set; }

            public void Reset()
            {
                Seconds = 0;
                Bytes = 0;
            }

            public void Predict(DenoiserInput input, TensorBuffer output)
            {
                long start = Stopwatch.GetTimestamp();
                long bytes = GC.GetAllocatedBytesForCurrentThread();
                System.Numerics.Tensors.TensorPrimitives.Multiply(input.Sample.Span, 0.1f, output.Span);
                Bytes += GC.GetAllocatedBytesForCurrentThread() - bytes;
                Seconds += (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            }

            public void Dispose()
            {
            }
        }

        private sealed class StandInTextEncoder : ITextEncoder
        {
            public int MaxTokens => 77;

            public int Width => 768;

            public void Encode(int[][] ids, TextEmbeddings output) => Array.Clear(output.Array);

            public void Dispose()
            {
            }
        }

        private sealed class StandInDecoder : IVaeDecoder
        {
            public int ScaleFactor => 8;

            public void Decode(TensorBuffer latents, TensorBuffer image) => Array.Clear(image.Array);

            public void Dispose()
            {
            }
        }
    }
}
