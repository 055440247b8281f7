using System;
using System.Diagnostics;
using System.Linq;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// What batch size long texture runs should use per backend: time per texture when the same textures are made in
    /// batches of different sizes; and whether a large count costs what a small one does per texture, with resident
    /// memory that does not grow with the count (the run is split into batches of the recommended size).
    /// </summary>
    internal static class BatchBenchmark
    {
        /// <summary>Per-texture time of <paramref name="total"/> textures in batches of <paramref name="batch"/>; the largest RSS seen after a batch.</summary>
        /// <param name="progress">Called after each batch with (textures done, total).</param>
        public static (double MsPerTexture, double MaxRssMiB) Run(TextureGenerator generator, int total, int batch, int steps, Action<int, int>? progress = null)
        {
            // The model's own guidance (the built-in model: autoguidance over part of the run), with fewer steps.
            TextureRequest request = generator.RecommendedRequest(total, 1, generator.ClassNames.FirstOrDefault(), steps);
            double maxRss = 0;
            var clock = Stopwatch.StartNew();
            int done = 0;
            foreach (TextureRequest part in request.InBatches(batch))
            {
                generator.Generate(part);
                maxRss = Math.Max(maxRss, TorchBenchmarks.RssMiB());
                progress?.Invoke(done += part.Count, total);
            }

            return (clock.Elapsed.TotalMilliseconds / total, maxRss);
        }
    }
}
