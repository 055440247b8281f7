#nullable enable
namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// An ONNX Runtime execution provider LiveDiffusion knows how to select. Which ones actually work depends on
    /// the ONNX Runtime package the application ships (CPU, GPU/CUDA, DirectML) and on the platform.
    /// </summary>
    public enum ExecutionProvider
    {
        /// <summary>NVIDIA CUDA (needs the Microsoft.ML.OnnxRuntime.Gpu package, CUDA and cuDNN).</summary>
        Cuda,

        /// <summary>DirectML on Windows (needs the Microsoft.ML.OnnxRuntime.DirectML package).</summary>
        DirectML,

        /// <summary>Apple CoreML on macOS and iOS.</summary>
        CoreML,

        /// <summary>The CPU provider. Always available and always the implicit fallback.</summary>
        Cpu,
    }
}
