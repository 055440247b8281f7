#nullable enable
using System;

namespace LiveDiffusion.Preview
{
    /// <summary>
    /// Turns latents into pixels for previews on the CPU side: the accurate alternative to the SD 1.x latent-to-RGB
    /// matrix (TAESD in Runtime/Torch implements it). A viewer calls it on its own thread for each new frame while the
    /// decoded view is on, so its cost is the viewer's, not the denoiser's (though both share the CPU).
    /// </summary>
    public interface IPreviewDecoder
    {
        /// <summary>Latent channels it expects (4 for SD 1.x).</summary>
        int LatentChannels { get; }

        /// <summary>Output pixels per latent element along each side (8 for TAESD).</summary>
        int Scale { get; }

        /// <summary>
        /// Decodes <paramref name="latents"/> [<paramref name="batch"/>, <see cref="LatentChannels"/>, <paramref name="height"/>,
        /// <paramref name="width"/>] (NCHW) into <paramref name="pixels"/> [batch, 3, Scale*height, Scale*width], RGB in [-1, 1].
        /// </summary>
        /// <exception cref="ArgumentException">A span's length does not match the shape.</exception>
        void Decode(ReadOnlySpan<float> latents, int batch, int height, int width, Span<float> pixels);
    }
}
