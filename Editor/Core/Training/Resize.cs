using System;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// Image resampling for dataset preparation. Written here because no resampling library is in the package mirror
    /// (SixLabors.ImageSharp is absent); area averaging is the filter training pipelines use for downscaling.
    /// </summary>
    public static class Resize
    {
        /// <summary>
        /// Resizes by area averaging: each output pixel is the mean of the source area it covers (exact box filter,
        /// fractional edges weighted). For upscaling this is nearest-neighbour-like; training data is rarely upscaled.
        /// </summary>
        public static RgbImage Area(RgbImage source, int width, int height)
        {
            if (width <= 0 || height <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(width), $"Target size {width}x{height} must be positive.");
            }

            int channels = source.Channels;
            var result = new RgbImage(width, height, channels);
            double sx = source.Width / (double)width;
            double sy = source.Height / (double)height;
            var sum = new double[channels];
            for (int y = 0; y < height; y++)
            {
                double top = y * sy, bottom = (y + 1) * sy;
                for (int x = 0; x < width; x++)
                {
                    double left = x * sx, right = (x + 1) * sx;
                    Array.Clear(sum, 0, channels);
                    double total = 0;
                    for (int iy = (int)top; iy < Math.Min(source.Height, (int)Math.Ceiling(bottom)); iy++)
                    {
                        double wy = Math.Min(bottom, iy + 1) - Math.Max(top, iy);
                        for (int ix = (int)left; ix < Math.Min(source.Width, (int)Math.Ceiling(right)); ix++)
                        {
                            double w = wy * (Math.Min(right, ix + 1) - Math.Max(left, ix));
                            int offset = ((iy * source.Width) + ix) * channels;
                            for (int c = 0; c < channels; c++)
                            {
                                sum[c] += source.Pixels[offset + c] * w;
                            }

                            total += w;
                        }
                    }

                    int target = ((y * width) + x) * channels;
                    for (int c = 0; c < channels; c++)
                    {
                        result.Pixels[target + c] = (byte)Math.Clamp((int)Math.Round(sum[c] / total), 0, 255);
                    }
                }
            }

            return result;
        }
    }
}
