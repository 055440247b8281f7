#nullable enable
using System;

namespace LiveDiffusion.Imaging
{
    /// <summary>An 8-bit image with interleaved channels (1 grey, 3 RGB or 4 RGBA), rows top to bottom.</summary>
    public sealed class RgbImage
    {
        /// <summary>Wraps (does not copy) <paramref name="pixels"/>.</summary>
        public RgbImage(int width, int height, int channels, byte[] pixels)
        {
            if (width <= 0 || height <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} must be positive.");
            }

            if (channels != 1 && channels != 3 && channels != 4)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), $"{channels} channels; images have 1, 3 or 4.");
            }

            if (pixels.Length != width * height * channels)
            {
                throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height}x{channels} image (needs {width * height * channels}).", nameof(pixels));
            }

            Width = width;
            Height = height;
            Channels = channels;
            Pixels = pixels;
        }

        /// <summary>Creates a black image.</summary>
        public RgbImage(int width, int height, int channels)
            : this(width, height, channels, new byte[width * height * channels])
        {
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>Channels per pixel.</summary>
        public int Channels { get; }

        /// <summary>The pixels, interleaved, row-major.</summary>
        public byte[] Pixels { get; }

        /// <summary>Copies this image into <paramref name="target"/> with its top-left corner at (x, y); the channel counts must match.</summary>
        public void CopyTo(RgbImage target, int x, int y)
        {
            if (target.Channels != Channels)
            {
                throw new ArgumentException($"Channel counts differ ({Channels} vs {target.Channels}).", nameof(target));
            }

            for (int row = 0; row < Height; row++)
            {
                int ty = y + row;
                if (ty < 0 || ty >= target.Height)
                {
                    continue;
                }

                int x0 = Math.Max(0, x);
                int x1 = Math.Min(target.Width, x + Width);
                if (x1 <= x0)
                {
                    continue;
                }

                Buffer.BlockCopy(Pixels, ((row * Width) + (x0 - x)) * Channels, target.Pixels, ((ty * target.Width) + x0) * Channels, (x1 - x0) * Channels);
            }
        }

        /// <summary>
        /// The image with <paramref name="channels"/> channels (3 or 4): grey is replicated, alpha is composited over
        /// the background colour for RGB or kept for RGBA (opaque when the source has none). The image itself is
        /// returned when it already has that many channels.
        /// </summary>
        public RgbImage ToChannels(int channels, byte backgroundR = 0, byte backgroundG = 0, byte backgroundB = 0)
        {
            if (channels != 3 && channels != 4)
            {
                throw new ArgumentOutOfRangeException(nameof(channels), $"{channels} channels; convert to 3 (RGB) or 4 (RGBA).");
            }

            if (Channels == channels)
            {
                return this;
            }

            var result = new RgbImage(Width, Height, channels);
            int pixels = Width * Height;
            for (int p = 0; p < pixels; p++)
            {
                byte r, g, b, a;
                switch (Channels)
                {
                    case 1:
                        r = g = b = Pixels[p];
                        a = 255;
                        break;
                    case 3:
                        r = Pixels[p * 3];
                        g = Pixels[(p * 3) + 1];
                        b = Pixels[(p * 3) + 2];
                        a = 255;
                        break;
                    default:
                        r = Pixels[p * 4];
                        g = Pixels[(p * 4) + 1];
                        b = Pixels[(p * 4) + 2];
                        a = Pixels[(p * 4) + 3];
                        break;
                }

                if (channels == 3)
                {
                    result.Pixels[p * 3] = Blend(r, backgroundR, a);
                    result.Pixels[(p * 3) + 1] = Blend(g, backgroundG, a);
                    result.Pixels[(p * 3) + 2] = Blend(b, backgroundB, a);
                }
                else
                {
                    result.Pixels[p * 4] = r;
                    result.Pixels[(p * 4) + 1] = g;
                    result.Pixels[(p * 4) + 2] = b;
                    result.Pixels[(p * 4) + 3] = a;
                }
            }

            return result;
        }

        /// <summary>The image repeated <paramref name="columns"/> x <paramref name="rows"/> times: how a tiling texture looks on a surface.</summary>
        public RgbImage Tile(int columns, int rows)
        {
            var result = new RgbImage(Width * columns, Height * rows, Channels);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    CopyTo(result, c * Width, r * Height);
                }
            }

            return result;
        }

        /// <summary>The image scaled up by an integer factor with nearest-neighbour sampling (crisp pixel art for previews).</summary>
        public RgbImage ScaleNearest(int factor)
        {
            if (factor < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(factor));
            }

            var result = new RgbImage(Width * factor, Height * factor, Channels);
            for (int y = 0; y < result.Height; y++)
            {
                for (int x = 0; x < result.Width; x++)
                {
                    Buffer.BlockCopy(Pixels, (((y / factor) * Width) + (x / factor)) * Channels, result.Pixels, ((y * result.Width) + x) * Channels, Channels);
                }
            }

            return result;
        }

        private static byte Blend(byte colour, byte background, byte alpha) => (byte)(((colour * alpha) + (background * (255 - alpha)) + 127) / 255);
    }
}
