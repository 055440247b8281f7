#nullable enable
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>Facts about the ONNX Runtime native library this process loaded, for <c>livediffusion doctor</c> and logs.</summary>
    public static class OnnxRuntimeInfo
    {
        /// <summary>
        /// The execution providers this ONNX Runtime build contains, as ONNX Runtime names them
        /// (e.g. <c>"CPUExecutionProvider"</c>, <c>"CUDAExecutionProvider"</c>). Being listed means the build has the
        /// provider, not that its drivers are installed: <see cref="ExecutionProviderSelection.Apply"/> finds that out.
        /// </summary>
        /// <exception cref="System.TypeInitializationException">The onnxruntime native library could not be loaded.</exception>
        public static string[] AvailableProviders => OrtEnv.Instance().GetAvailableProviders();

        /// <summary>The ONNX Runtime native library version, e.g. <c>"1.31.1"</c>.</summary>
        /// <exception cref="System.TypeInitializationException">The onnxruntime native library could not be loaded.</exception>
        public static string Version => OrtEnv.Instance().GetVersionString();
    }
}
