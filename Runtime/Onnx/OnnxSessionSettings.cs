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
            if (IntraOpThreads > 0)
            {
                options.IntraOpNumThreads = IntraOpThreads;
            }

            report = ExecutionProviderSelection.Apply(options, Providers);
            return options;
        }
    }
}
