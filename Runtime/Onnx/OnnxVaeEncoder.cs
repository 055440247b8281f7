#nullable enable
using System;
using LiveDiffusion.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// A VAE encoder through ONNX Runtime: <c>sample</c> [B, 3, H, W] in [-1, 1] to latents [B, 4, H/8, W/8]. Exports
    /// differ: diffusers' writes <c>latent_sample</c> (4 channels), Optimum's <c>latent_parameters</c> (8 channels:
    /// mean, log-variance), of which the mean is taken, so encoding is deterministic.
    /// </summary>
    public sealed class OnnxVaeEncoder : IVaeEncoder
    {
        private readonly OnnxModel _model;
        private readonly OnnxTensorValue _image;
        private readonly OnnxTensorSpec _output;
        private readonly RunOptions _run = new RunOptions();

        /// <summary>Wraps a VAE encoder model (owned).</summary>
        public OnnxVaeEncoder(OnnxModel model, int scaleFactor = 8)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            _image = new OnnxTensorValue(model.RequireInput("image", "sample"));
            _output = model.RequireOutput("latents", "latent_sample", "latent_parameters", "latent_dist");
            ScaleFactor = scaleFactor;
        }

        /// <inheritdoc />
        public int ScaleFactor { get; }

        /// <inheritdoc />
        public void Encode(TensorBuffer image, TensorBuffer latents)
        {
            if (latents.Batch != image.Batch || latents.Height * ScaleFactor != image.Height || latents.Width * ScaleFactor != image.Width)
            {
                throw new ArgumentException($"Latents must be [{image.Batch}, 4, {image.Height / ScaleFactor}, {image.Width / ScaleFactor}], not {latents.ShapeString}.", nameof(latents));
            }

            for (int i = 0; i < image.Batch; i++)
            {
                _image.Shape(1, 3, image.Height, image.Width);
                _image.Set(image.Item(i));
                using IDisposableReadOnlyCollection<OrtValue> results = _model.Session.Run(_run, new[] { _image.Spec.Name }, new[] { _image.Value! }, new[] { _output.Name });
                OrtValue value = results[0];
                long[] shape = value.GetTensorTypeAndShape().Shape;
                long channels = shape[1];
                if (channels != latents.Channels && channels != 2 * latents.Channels)
                {
                    throw new ModelConfigException($"{_model.Name} outputs {channels} latent channels; expected {latents.Channels} (a sample) or {2 * latents.Channels} (mean and log-variance).");
                }

                // The first Channels planes are the sample or the mean; float16 exports give halves.
                Span<float> target = latents.Item(i);
                switch (value.GetTensorTypeAndShape().ElementDataType)
                {
                    case TensorElementType.Float:
                        value.GetTensorDataAsSpan<float>().Slice(0, target.Length).CopyTo(target);
                        break;
                    case TensorElementType.Float16:
                        OnnxTensorValue.CopyHalves(value.GetTensorDataAsSpan<Float16>(), target);
                        break;
                    case var other:
                        throw new ModelConfigException($"{_model.Name} outputs {other} latents; a VAE encoder gives float or float16.");
                }
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _image.Dispose();
            _run.Dispose();
            _model.Dispose();
        }
    }
}
