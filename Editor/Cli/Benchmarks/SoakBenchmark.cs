using System;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// A long editor session in one process: many generations with one model, and a model opened and disposed many
    /// times. Resident memory is sampled after a full garbage collection; steady memory means the figure after
    /// warm-up stays within a few percent to the end, and disposing returns what opening took.
    /// </summary>
    internal static class SoakBenchmark
    {
        /// <summary>Resident memory after warm-up, at the end, and the largest sample between, in MiB.</summary>
        internal sealed record Soak(double AfterWarmUp, double AtEnd, double Largest);

        /// <summary>Runs <paramref name="generations"/> generations of the model's recommended request (4 textures, <paramref name="steps"/> steps), the first <paramref name="warmUp"/> as warm-up.</summary>
        /// <param name="progress">Called after each generation with (done, total).</param>
        public static Soak Generate(TextureGenerator generator, int generations, int warmUp, int steps, Action<int, int>? progress = null)
        {
            double afterWarmUp = 0, largest = 0;
            for (int g = 0; g < generations; g++)
            {
                string? className = generator.ClassNames.Count > 0 ? generator.ClassNames[g % generator.ClassNames.Count] : null;
                generator.Generate(generator.RecommendedRequest(4, (ulong)g, className, steps));
                progress?.Invoke(g + 1, generations);
                if (g == warmUp - 1)
                {
                    afterWarmUp = Resident();
                }
                else if (g >= warmUp && g % 10 == 0)
                {
                    largest = Math.Max(largest, Resident());
                }
            }

            double end = Resident();
            return new Soak(afterWarmUp, end, Math.Max(largest, end));
        }

        /// <summary>Opens and disposes the built-in model on ONNX Runtime <paramref name="times"/> times: memory before, while one is open, after each is disposed.</summary>
        /// <param name="progress">Called after each open, use and dispose with (done, total).</param>
        public static (double Before, double WhileOpen, double AfterAll) OpenAndDispose(int times, Action<int, int>? progress = null)
        {
            string folder = BuiltInModels.Locate();
            OnnxTextureGenerator.Load(folder).Dispose(); // warm-up: ONNX Runtime's environment and allocator arenas stay
            double before = Resident(), whileOpen = 0;
            for (int i = 0; i < times; i++)
            {
                using TextureGenerator generator = OnnxTextureGenerator.Load(folder);
                generator.Generate(generator.RecommendedRequest(1, (ulong)i, generator.ClassNames[0]));
                whileOpen = Math.Max(whileOpen, Resident());
                progress?.Invoke(i + 1, times);
            }

            return (before, whileOpen, Resident());
        }

        private static double Resident()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return TorchBenchmarks.RssMiB();
        }
    }
}
