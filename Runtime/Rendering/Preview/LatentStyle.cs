using System;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Rendering.Preview
{
    /// <summary>How <see cref="LatentRenderer.Draw"/> shows a latent texture.</summary>
    public sealed class LatentStyle
    {
        /// <summary>Layout and colouring: image, channels in false colour, or tiled 3x3.</summary>
        public LatentView View { get; init; } = LatentView.Image;

        /// <summary>What the channels mean: pixels, or SD 1.x latents.</summary>
        public LatentEncoding Encoding { get; init; } = LatentEncoding.Pixels;

        /// <summary>Border around each batch item as a fraction of its cell, in [0, 0.25).</summary>
        public float Gap
        {
            get => _gap;
            init
            {
                if (!(value >= 0f && value < 0.25f))
                {
                    throw new ArgumentOutOfRangeException(nameof(Gap), value, "Gap is a fraction of a cell in [0, 0.25).");
                }

                _gap = value;
            }
        }

        /// <summary>The channel value shown as full red (and its negative as full blue) in the channels view; must be positive.</summary>
        public float FalseColorRange
        {
            get => _range;
            init
            {
                if (!(value > 0f))
                {
                    throw new ArgumentOutOfRangeException(nameof(FalseColorRange), value, "The false-colour range must be positive (1 suits [-1, 1] pixels, 3 suits SD latents).");
                }

                _range = value;
            }
        }

        /// <summary>Colour (each component in [0, 1]) of gaps and empty cells.</summary>
        public (float R, float G, float B) Background { get; init; } = (0.1f, 0.1f, 0.11f);

        private float _gap;
        private float _range = 1f;

        /// <summary>A copy with another view.</summary>
        public LatentStyle WithView(LatentView view) => new LatentStyle
        {
            View = view,
            Encoding = Encoding,
            Gap = Gap,
            FalseColorRange = FalseColorRange,
            Background = Background,
        };
    }
}
