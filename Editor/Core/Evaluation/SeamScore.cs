using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// How visible the seam is when an image is tiled. With pixel values v in [0, 1]:
    /// wrap energy = mean of (v[y, W−1, c] − v[y, 0, c])² over every row and channel together with
    /// (v[H−1, x, c] − v[0, x, c])² over every column and channel; interior energy = mean of
    /// (v[y, x+1, c] − v[y, x, c])² and (v[y+1, x, c] − v[y, x, c])² over every neighbouring pair inside the image.
    /// score = (wrap + ε) / (interior + ε) with ε = 1e-6 (about a quarter of one 8-bit step, squared), so a flat
    /// image scores 1. About 1: crossing the wrap-around edge looks like crossing any other pixel boundary (seamless);
    /// much more than 1: a visible seam.
    /// </summary>
    public static class SeamScore
    {
        /// <summary>The ε added to both energies.</summary>
        public const double Epsilon = 1e-6;

        /// <summary>The seam score of one image (any channel count; needs at least 2×2 pixels).</summary>
        public static double Of(RgbImage image)
        {
            int w = image.Width, h = image.Height, ch = image.Channels;
            if (w < 2 || h < 2)
            {
                throw new ArgumentException($"A seam score needs at least 2x2 pixels; the image is {w}x{h}.", nameof(image));
            }

            byte[] p = image.Pixels;
            const double scale = 1.0 / (255.0 * 255.0);
            double wrap = 0;
            for (int y = 0; y < h; y++)
            {
                int left = y * w * ch, right = ((y * w) + w - 1) * ch;
                for (int c = 0; c < ch; c++)
                {
                    double d = p[right + c] - p[left + c];
                    wrap += d * d;
                }
            }

            for (int x = 0; x < w; x++)
            {
                int top = x * ch, bottom = (((h - 1) * w) + x) * ch;
                for (int c = 0; c < ch; c++)
                {
                    double d = p[bottom + c] - p[top + c];
                    wrap += d * d;
                }
            }

            double interior = 0;
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int at = ((y * w) + x) * ch;
                    for (int c = 0; c < ch; c++)
                    {
                        if (x + 1 < w)
                        {
                            double d = p[at + ch + c] - p[at + c];
                            interior += d * d;
                        }

                        if (y + 1 < h)
                        {
                            double d = p[at + (w * ch) + c] - p[at + c];
                            interior += d * d;
                        }
                    }
                }
            }

            double wrapMean = wrap * scale / ((h + w) * ch);
            double interiorMean = interior * scale / ((((w - 1) * h) + ((h - 1) * w)) * ch);
            return (wrapMean + Epsilon) / (interiorMean + Epsilon);
        }

        /// <summary>Mean and median seam score of <paramref name="images"/>.</summary>
        public static ValueSummary Summarize(IEnumerable<RgbImage> images) => ValueSummary.Of(images.Select(Of).ToArray());
    }
}
