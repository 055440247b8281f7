using System;
using System.Diagnostics;
using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch
{
    /// <summary>
    /// Checks that TorchSharp's native libtorch loads in this process and measures CPU matrix-product throughput,
    /// for <c>livediffusion doctor</c>.
    /// </summary>
    public static class TorchProbe
    {
        private const int N = 1024;

        /// <summary>
        /// Loads libtorch (if not loaded yet), reads its version and thread count, checks a small product against
        /// known values, then times a 1024³ fp32 matmul: one warm-up run, best of three. Takes well under a second on
        /// a modern CPU. Never throws: any failure (native library missing, GLIBCXX too old, wrong result) is returned
        /// in <see cref="TorchProbeResult.Error"/>.
        /// </summary>
        public static TorchProbeResult Run()
        {
            string? version = null;
            int threads = 0;
            try
            {
                version = DescribeVersion();
                threads = torch.get_num_threads();

                using (var scope = torch.NewDisposeScope())
                {
                    // [0,1,2; 3,4,5] x ones(3,2) = [3,3; 12,12]
                    var small = TensorArithmetic.Range(6).reshape(2, 3).matmul(torch.ones(3, 2, dtype: ScalarType.Float32));
                    float first = small[0, 0].item<float>(), last = small[1, 1].item<float>();
                    if (first != 3f || last != 12f)
                        return new TorchProbeResult(false, version, threads, 0, $"libtorch matmul gave wrong values ({first}, {last}; expected 3, 12)");
                }

                double best = double.MaxValue;
                using (var scope = torch.NewDisposeScope())
                {
                    var generator = new torch.Generator(seed: 1234);
                    var a = torch.rand(N, N, dtype: ScalarType.Float32, generator: generator);
                    var b = torch.rand(N, N, dtype: ScalarType.Float32, generator: generator);
                    a.matmul(b).Dispose(); // warm-up: thread pool start, page faults, kernel selection
                    for (int i = 0; i < 3; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        using (var c = a.matmul(b))
                        {
                            watch.Stop();
                        }
                        best = Math.Min(best, watch.Elapsed.TotalSeconds);
                    }
                }
                double gflops = 2.0 * N * N * N / best / 1e9;
                return new TorchProbeResult(true, version, threads, gflops, null);
            }
            catch (Exception e)
            {
                return new TorchProbeResult(false, version, threads, 0, Describe(e));
            }
        }

        private static string DescribeVersion()
        {
            string torchSharp = typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                                ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";
            int plus = torchSharp.IndexOf('+');
            if (plus >= 0) torchSharp = torchSharp.Substring(0, plus); // drop the commit hash
            return $"TorchSharp {torchSharp}, libtorch {torch.__version__}";
        }

        private static string Describe(Exception e)
        {
            string text = e.GetType().Name + ": " + e.Message;
            for (var inner = e.InnerException; inner != null; inner = inner.InnerException)
                text += " <- " + inner.GetType().Name + ": " + inner.Message;
            if (text.IndexOf("GLIBCXX", StringComparison.Ordinal) >= 0 || e is DllNotFoundException || e is TypeInitializationException)
                text += " (if libLibTorchSharp.so failed to load on Debian 12, check that the LiveDiffusion GLIBCXX build step ran on the output folder)";
            return text;
        }
    }
}
