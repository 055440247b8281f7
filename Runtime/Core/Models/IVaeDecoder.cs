#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>A latent-to-image decoder (Stable Diffusion's VAE decoder, or TAESD's) behind any backend.</summary>
    public interface IVaeDecoder : IDisposable
    {
        /// <summary>Image pixels per latent pixel along each axis (8 for SD).</summary>
        int ScaleFactor { get; }

        /// <summary>
        /// Decodes unscaled latents [B, 4, h, w] (the pipeline has already divided by the scaling factor) into
        /// <paramref name="image"/> [B, 3, h·ScaleFactor, w·ScaleFactor] in [-1, 1].
        /// </summary>
        void Decode(TensorBuffer latents, TensorBuffer image);
    }
}
