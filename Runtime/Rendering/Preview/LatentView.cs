using LiveDiffusion.Rendering.Viewer;

namespace LiveDiffusion.Rendering.Preview
{
    /// <summary>How <see cref="LatentRenderer"/> lays out and colours a <see cref="SharedLatentTexture"/>.</summary>
    public enum LatentView
    {
        /// <summary>Each batch item as an image, coloured by the encoding (pixels, or the SD 1.x latent-to-RGB matrix).</summary>
        Image = 0,

        /// <summary>Each batch item as a 2x2 grid of its channels (0 1 / 2 3), each in false colour: blue negative, white 0, red positive.</summary>
        Channels = 1,

        /// <summary>Each batch item repeated 3x3, coloured as <see cref="Image"/>: a seam shows as a line through the middle tile.</summary>
        Tiled = 2,

        /// <summary>
        /// Each batch item decoded to pixels on the CPU by <see cref="LiveViewerOptions.Decoder"/> (TAESD for SD 1.x
        /// latents): the accurate view. <see cref="DenoiseViewRenderer"/> shows <see cref="Image"/> when no decoder is set;
        /// <see cref="LatentRenderer"/> itself draws it as <see cref="Image"/>.
        /// </summary>
        Decoded = 3,
    }
}
