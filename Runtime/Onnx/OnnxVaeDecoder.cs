#nullable enable
using System;
using LiveDiffusion.Models;
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>A VAE decoder through ONNX Runtime: <c>latent_sample</c> [B, 4, h, w] to <c>sample</c> [B, 3, 8h, 8w] in [-1, 1].</summary>
    public sealed class OnnxVaeDecoder : IVaeDecoder
    {
        private readonly OnnxModel _model;
        private readonly OnnxTensorValue _latents;
        private readonly OnnxTensorValue _image;
        private readonly RunOptions _run = new RunOptions();

        /// <summary>Wraps a VAE decoder model (owned).</summary>
        public OnnxVaeDecoder(OnnxModel model, int scaleFactor = 8)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            _latents = new OnnxTensorValue(model.RequireInput("latents", "latent_sample", "latent"));
            _image = new OnnxTensorValue(model.RequireOutput("image", "sample"));
            ScaleFactor = scaleFactor;
        }

        /// <inheritdoc />
        public int ScaleFactor { get; }

        /// <inheritdoc />
        public void Decode(TensorBuffer latents, TensorBuffer image)
        {
            if (image.Batch != latents.Batch || image.Channels != 3 || image.Height != latents.Height * ScaleFactor || image.Width != latents.Width * ScaleFactor)
            {
                throw new ArgumentException($"Image must be [{latents.Batch}, 3, {latents.Height * ScaleFactor}, {latents.Width * ScaleFactor}], not {image.ShapeString}.", nameof(image));
            }

            // One image at a time: the VAE decoder is the memory peak of a generation (diffusers decodes in slices too).
            for (int i = 0; i < latents.Batch; i++)
            {
                _latents.Shape(1, latents.Channels, latents.Height, latents.Width);
                _latents.Set(latents.Item(i));
                _image.Shape(1, 3, image.Height, image.Width);
                _model.Session.Run(_run, new[] { _latents.Spec.Name }, new[] { _latents.Value! }, new[] { _image.Spec.Name }, new[] { _image.Value! });
                _image.CopyTo(image.Item(i));
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _latents.Dispose();
            _image.Dispose();
            _run.Dispose();
            _model.Dispose();
        }
    }
}
