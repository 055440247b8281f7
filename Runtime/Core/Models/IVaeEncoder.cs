#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>An image-to-latent encoder (Stable Diffusion's VAE encoder) behind any backend.</summary>
    public interface IVaeEncoder : IDisposable
    {
        /// <summary>Image pixels per latent pixel along each axis (8 for SD).</summary>
        int ScaleFactor { get; }

        /// <summary>
        /// Encodes <paramref name="image"/> [B, 3, H, W] in [-1, 1] into unscaled latents [B, 4, H/ScaleFactor, W/ScaleFactor]
        /// (the mean of the latent distribution where the model exposes it; the pipeline multiplies by the scaling factor).
        /// </summary>
        void Encode(TensorBuffer image, TensorBuffer latents);
    }
}
