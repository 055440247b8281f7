using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Numerics.Tensors;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// Cost of one <see cref="Scheduler.Step"/> on a latent, measured against the cheapest thing a step could
    /// possibly be: one fused TensorPrimitives pass (destination = x·a + y) over the same buffers, timed in the same
    /// run. Also counts the bytes a step allocates after a warm-up run (the goal is 0).
    /// </summary>
    internal static class SchedulerBenchmark
    {
        /// <summary>One row of the result.</summary>
        internal sealed record Row(string Scheduler, double MicrosPerStep, double RatioToFusedPass, double BytesPerStep);

        /// <summary>Runs the benchmark; <paramref name="repeats"/> full generations of <paramref name="steps"/> steps per scheduler.</summary>
        public static (double BaselineMicros, List<Row> Rows) Run(int channels, int size, int steps, int repeats)
        {
            var sample = new TensorBuffer(1, channels, size, size);
            var output = sample.CreateLike();
            var x0 = sample.CreateLike();
            var noise = new NoiseGenerator(1);

            double baseline = MeasureBaseline(sample, output, x0, steps * repeats);
            var rows = new List<Row>();
            foreach (string name in SchedulerRegistry.Names)
            {
                Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
                RunGeneration(scheduler, sample, output, x0, noise, steps, out _, out _); // warm-up: JIT and scratch buffers
                var perStep = new List<double>();
                long bytes = 0;
                long stepCount = 0;
                for (int r = 0; r < repeats; r++)
                {
                    RunGeneration(scheduler, sample, output, x0, noise, steps, out double micros, out long allocated);
                    perStep.Add(micros);
                    bytes += allocated;
                    stepCount += scheduler.Timesteps.Count;
                }

                double median = Median(perStep);
                rows.Add(new Row(name, median, median / baseline, (double)bytes / stepCount));
            }

            return (baseline, rows);
        }

        private static void RunGeneration(Scheduler scheduler, TensorBuffer sample, TensorBuffer output, TensorBuffer x0, NoiseGenerator noise, int steps, out double microsPerStep, out long allocated)
        {
            scheduler.SetTimesteps(steps);
            noise.FillGaussian(sample.Span);
            IReadOnlyList<float> timesteps = scheduler.Timesteps;
            long ticks = 0;
            allocated = 0;
            for (int i = 0; i < timesteps.Count; i++)
            {
                float t = timesteps[i];
                scheduler.ScaleModelInput(sample, t, sample);
                TensorPrimitives.Multiply(sample.Span, 0.9f * t / (t + 1f), output.Span); // stand-in model, not timed
                long bytesBefore = GC.GetAllocatedBytesForCurrentThread();
                long start = Stopwatch.GetTimestamp();
                scheduler.Step(output, t, sample, sample, x0, noise);
                ticks += Stopwatch.GetTimestamp() - start;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytesBefore;
            }

            microsPerStep = ticks * 1e6 / Stopwatch.Frequency / timesteps.Count;
        }

        private static double MeasureBaseline(TensorBuffer x, TensorBuffer y, TensorBuffer destination, int passes)
        {
            for (int i = 0; i < 50; i++)
            {
                TensorPrimitives.MultiplyAdd(x.Span, 0.5f, y.Span, destination.Span);
            }

            var samples = new List<double>();
            for (int r = 0; r < 20; r++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < passes; i++)
                {
                    TensorPrimitives.MultiplyAdd(x.Span, 0.5f, y.Span, destination.Span);
                }

                samples.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / passes);
            }

            return Median(samples);
        }

        private static double Median(List<double> values)
        {
            values.Sort();
            int n = values.Count;
            return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
        }
    }
}
