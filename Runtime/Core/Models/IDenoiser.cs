#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// A noise-prediction network (a UNet) behind any backend: TorchSharp, ONNX Runtime, or an engine's own.
    /// Pipelines call <see cref="Predict"/> once per step with buffers they allocated once; an implementation writes
    /// the model output (ε, v or x0, as <see cref="DenoiserInfo.PredictionType"/> says) into <c>output</c> and
    /// should not allocate per call. Implementations are not thread-safe: one generation at a time.
    /// </summary>
    public interface IDenoiser : IDisposable
    {
        /// <summary>What the network expects and produces.</summary>
        DenoiserInfo Info { get; }

        /// <summary>
        /// Runs the network on <paramref name="input"/> and writes its prediction, shaped like the sample with
        /// <see cref="DenoiserInfo.OutChannels"/> channels, into <paramref name="output"/>.
        /// </summary>
        void Predict(DenoiserInput input, TensorBuffer output);
    }
}
