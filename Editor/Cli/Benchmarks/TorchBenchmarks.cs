using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>Training and sampling throughput of the TorchSharp UNet, against this machine's fp32 GEMM rate measured in the same run.</summary>
    internal static class TorchBenchmarks
    {
        /// <summary>fp32 GEMM rate of libtorch (GFLOP/s): the best of several n x n x n matmuls.</summary>
        public static double GemmGflops(int n = 1024, int repeats = 10)
        {
            using var a = randn(n, n);
            using var b = randn(n, n);
            using (var warm = a.matmul(b))
            {
            }

            double best = double.MaxValue;
            for (int i = 0; i < repeats; i++)
            {
                var clock = Stopwatch.StartNew();
                using var c = a.matmul(b);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }

            return 2.0 * n * n * n / best / 1e9;
        }

        /// <summary>Peak resident set size of this process so far (VmHWM), in MiB; NaN where /proc is absent.</summary>
        public static double PeakRssMiB() => StatusMiB("VmHWM:");

        /// <summary>The process's resident memory now, in MiB (NaN where /proc is absent).</summary>
        public static double RssMiB() => StatusMiB("VmRSS:");

        private static double StatusMiB(string key)
        {
            const string status = "/proc/self/status";
            if (!File.Exists(status))
            {
                return double.NaN;
            }

            string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line == null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }

        /// <summary>Runs the real trainer for <paramref name="warmup"/> + <paramref name="steps"/> steps and times the last ones.</summary>
        public static (double ImagesPerSecond, double SecondsPerStep) Train(ImageFolderDataset data, UNet2DConfig config, int batch, int warmup, int steps)
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-bench-" + Guid.NewGuid().ToString("N"));
            try
            {
                var options = new TrainingOptions
                {
                    Steps = warmup + steps,
                    BatchSize = batch,
                    CheckpointEvery = int.MaxValue,
                    SampleEvery = 0,
                    LogEvery = int.MaxValue,
                    Data = data.Options,
                };
                var trainer = new DiffusionTrainer(data, config, options, folder);
                var clock = new Stopwatch();
                trainer.StepCompleted += s =>
                {
                    if (s.Step == warmup)
                    {
                        clock.Start();
                    }
                };
                long measuredUntil = 0;
                trainer.StepCompleted += s =>
                {
                    if (s.Step == warmup + steps)
                    {
                        clock.Stop();
                        measuredUntil = s.Step;
                    }
                };
                trainer.Run();
                double perStep = clock.Elapsed.TotalSeconds / steps;
                return (batch / perStep, perStep);
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, true);
                }
                catch (IOException)
                {
                }
            }
        }

        /// <summary>Median seconds of one forward pass at <paramref name="batch"/>, in the given mode.</summary>
        public static double Forward(UNet2D model, int batch, int size, bool inferenceMode, int repeats)
        {
            using var x = randn(batch, model.Config.InChannels, size, size);
            using var t = TensorArithmetic.Filled(new long[] { batch }, 500);
            using var labels = model.Config.IsClassConditional ? zeros(batch, dtype: ScalarType.Int64) : null;
            var times = new List<double>();
            model.eval();
            for (int i = 0; i < repeats + 2; i++)
            {
                var clock = Stopwatch.StartNew();
                if (inferenceMode)
                {
                    using var mode = inference_mode();
                    using var y = model.forward(x, t, labels);
                }
                else
                {
                    using var y = model.forward(x, t, labels);
                }

                if (i >= 2)
                {
                    times.Add(clock.Elapsed.TotalSeconds);
                }
            }

            times.Sort();
            return times[times.Count / 2];
        }
    }
}
