#nullable enable
namespace LiveDiffusion.Models
{
    /// <summary>How the UNet's convolutions pad their borders.</summary>
    public enum PaddingMode
    {
        /// <summary>Zero padding, as in diffusers.</summary>
        Zeros,

        /// <summary>Wrap-around padding in every convolution: the model works on a torus, so its outputs tile seamlessly.</summary>
        Circular,
    }
}
