namespace LiveDiffusion.Torch
{
    /// <summary>What <see cref="TorchProbe.Run"/> found: whether libtorch loads and computes, and how fast.</summary>
    public sealed class TorchProbeResult
    {
        /// <summary>Creates a result.</summary>
        public TorchProbeResult(bool ok, string? version, int threads, double matmulGflops, string? error)
        {
            Ok = ok;
            Version = version;
            Threads = threads;
            MatmulGflops = matmulGflops;
            Error = error;
        }

        /// <summary>True when libtorch loaded and a matrix product gave the right answer.</summary>
        public bool Ok { get; }

        /// <summary>The TorchSharp and libtorch versions, e.g. <c>"TorchSharp 0.107.0, libtorch 2.10.0"</c>; null when unknown.</summary>
        public string? Version { get; }

        /// <summary>The intra-op thread count libtorch uses (<c>torch.get_num_threads()</c>); 0 when libtorch did not load.</summary>
        public int Threads { get; }

        /// <summary>
        /// Throughput of a 1024x1024 by 1024x1024 fp32 matrix product on the CPU in GFLOP/s (2·1024³ floating point
        /// operations over the best of three timed runs after a warm-up); 0 when the probe failed.
        /// </summary>
        public double MatmulGflops { get; }

        /// <summary>Why the probe failed (the exception type and message, innermost cause included); null when <see cref="Ok"/>.</summary>
        public string? Error { get; }

        /// <inheritdoc />
        public override string ToString() => Ok
            ? $"{Version}, {Threads} threads, {MatmulGflops:F1} GFLOP/s fp32 matmul"
            : $"failed: {Error}";
    }
}
