#nullable enable
using System.Collections.Generic;
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>How ONNX Runtime sessions are created: execution-provider preference, threads, optimisation, memory pattern.</summary>
    public sealed class OnnxSessionSettings
    {
        /// <summary>Providers to try, in order; the first that loads wins and the rest are reported as skipped. Default: CUDA, DirectML, CoreML, CPU.</summary>
        public IReadOnlyList<ExecutionProvider> Providers { get; init; } = ExecutionProviderSelection.DefaultPreference;

        /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
        public int IntraOpThreads { get; init; }

        /// <summary>Graph optimisation level (default: all, including layout and operator fusions).</summary>
        public GraphOptimizationLevel Optimization { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;

        /// <summary>Whether ONNX Runtime plans memory for repeated runs of the same shapes (default on: a denoiser repeats shapes every step).</summary>
        public bool MemoryPattern { get; init; } = true;

        /// <summary>
        /// Whether ONNX Runtime's intra-op worker threads spin-wait for the next piece of work before sleeping (ONNX
        /// Runtime's default: on). Spinning trims a little latency off back-to-back operators but keeps the cores busy
        /// after a call returns, so work that runs next on the same cores (the game's own frame, another model) is
        /// slowed; off by default.
        /// </summary>
        public bool AllowSpinning { get; init; }

        /// <summary>The defaults.</summary>
        public static OnnxSessionSettings Default { get; } = new OnnxSessionSettings();

        internal SessionOptions CreateOptions(out ExecutionProviderReport report)
        {
            var options = new SessionOptions
            {
                GraphOptimizationLevel = Optimization,
                EnableMemoryPattern = MemoryPattern,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", AllowSpinning ? "1" : "0");
            if (IntraOpThreads > 0)
            {
                options.IntraOpNumThreads = IntraOpThreads;
            }

            report = ExecutionProviderSelection.Apply(options, Providers);
            return options;
        }
    }
}
