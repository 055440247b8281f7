#nullable enable
namespace LiveDiffusion.Preview
{
    /// <summary>What the channels of a denoising tensor mean, and so how a preview turns them into colour.</summary>
    public enum LatentEncoding
    {
        /// <summary>
        /// Pixel-space models (our texture models): the channels are R, G, B (or grey) in [-1, 1], shown as
        /// <c>clamp(v, -1, 1) * 0.5 + 0.5</c>.
        /// </summary>
        Pixels = 0,

        /// <summary>
        /// Stable Diffusion 1.x latents (4 channels, scaled by the VAE factor 0.18215): shown through the linear
        /// latent-to-RGB approximation <see cref="LatentPreview.StableDiffusion1Factors"/>, clamped to [-1, 1] and
        /// mapped to [0, 1]. Fast but approximate; TAESD decoding is the accurate option.
        /// </summary>
        StableDiffusion1 = 1,
    }
}
