#nullable enable
using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// One batch item of a denoising frame (x0 or x_t) as interleaved 8-bit RGBA, the layout an engine texture takes
    /// (Unity's <c>TextureFormat.RGBA32</c>), with the same colour math as <see cref="LatentPreview"/> (and so as the
    /// viewer's shaders). Optionally repeated <c>tiles</c> x <c>tiles</c> times (a tiled preview shows seams) and
    /// stored bottom row first (engines whose texture origin is the lower left, as Unity's is). Allocates nothing.
    /// </summary>
    public static class FrameRgba
    {
        /// <summary>The bytes of a <paramref name="width"/> x <paramref name="height"/> item repeated <paramref name="tiles"/> times each way: 4 per pixel.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or the image would exceed 2 GiB.</exception>
        public static int ByteCount(int width, int height, int tiles = 1)
        {
            if (width <= 0 || height <= 0 || tiles <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(width), $"Sizes must be positive (width {width}, height {height}, tiles {tiles}).");
            }

            long bytes = 4L * width * height * tiles * tiles;
            return bytes <= int.MaxValue ? (int)bytes : throw new ArgumentOutOfRangeException(nameof(tiles), $"{width}x{height} repeated {tiles}x{tiles} needs {bytes} bytes, over 2 GiB.");
        }

        /// <summary>
        /// Writes item <paramref name="item"/> of <paramref name="frame"/> (x0 when <paramref name="predictedOriginal"/>,
        /// else x_t), coloured by <paramref name="encoding"/>, into <paramref name="destination"/>: R, G, B as
        /// <see cref="LatentPreview.ToRgb"/> and <see cref="LatentPreview.ToByte"/> give them, alpha from the fourth
        /// channel of a 4-channel pixel model (RGBA textures), else opaque.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">The item is outside the batch, or the frame is empty.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="ByteCount"/> bytes long.</exception>
        public static void Write(DenoisingFrame frame, int item, bool predictedOriginal, LatentEncoding encoding, Span<byte> destination, int tiles = 1, bool bottomRowFirst = false)
        {
            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            if ((uint)item >= (uint)frame.Batch)
            {
                throw new ArgumentOutOfRangeException(nameof(item), $"Item {item} is outside the frame's batch [0, {frame.Batch}).");
            }

            int width = frame.Width, height = frame.Height;
            if (destination.Length != ByteCount(width, height, tiles))
            {
                throw new ArgumentException($"A {width}x{height} item repeated {tiles}x{tiles} takes {ByteCount(width, height, tiles)} RGBA bytes; the destination has {destination.Length}.", nameof(destination));
            }

            ReadOnlySpan<float> tensor = predictedOriginal ? frame.PredictedOriginal : frame.Latents;
            int plane = frame.PlaneLength;
            ReadOnlySpan<float> data = tensor.Slice(item * frame.Channels * plane, frame.Channels * plane);
            int rowBytes = 4 * width, tiledRowBytes = rowBytes * tiles, tiledHeight = height * tiles;
            bool alpha = encoding == LatentEncoding.Pixels && frame.Channels == 4;
            for (int y = 0; y < height; y++)
            {
                Span<byte> row = destination.Slice(RowOffset(y, tiledHeight, tiledRowBytes, bottomRowFirst), tiledRowBytes);
                WriteRow(data, plane, y * width, Math.Min(frame.Channels, 4), encoding, alpha, row.Slice(0, rowBytes));
                for (int t = 1; t < tiles; t++)
                {
                    row.Slice(0, rowBytes).CopyTo(row.Slice(t * rowBytes));
                }

                for (int t = 1; t < tiles; t++)
                {
                    row.CopyTo(destination.Slice(RowOffset(y + (t * height), tiledHeight, tiledRowBytes, bottomRowFirst), tiledRowBytes));
                }
            }
        }

        /// <summary>
        /// Writes a finished texture (grey, RGB or RGBA, 8-bit, top row first) as RGBA into <paramref name="destination"/>
        /// (<see cref="ByteCount"/> of its size): grey is spread to R, G and B; alpha is opaque unless the image has it.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
        public static void Write(RgbImage image, Span<byte> destination, bool bottomRowFirst = false)
        {
            if (image == null)
            {
                throw new ArgumentNullException(nameof(image));
            }

            if (destination.Length != ByteCount(image.Width, image.Height))
            {
                throw new ArgumentException($"A {image.Width}x{image.Height} texture takes {ByteCount(image.Width, image.Height)} RGBA bytes; the destination has {destination.Length}.", nameof(destination));
            }

            int channels = image.Channels, rowBytes = 4 * image.Width;
            for (int y = 0; y < image.Height; y++)
            {
                Span<byte> row = destination.Slice(RowOffset(y, image.Height, rowBytes, bottomRowFirst), rowBytes);
                for (int x = 0; x < image.Width; x++)
                {
                    int p = ((y * image.Width) + x) * channels;
                    row[4 * x] = image.Pixels[p];
                    row[(4 * x) + 1] = image.Pixels[channels >= 3 ? p + 1 : p];
                    row[(4 * x) + 2] = image.Pixels[channels >= 3 ? p + 2 : p];
                    row[(4 * x) + 3] = channels == 4 ? image.Pixels[p + 3] : (byte)255;
                }
            }
        }

        /// <summary>Where image row <paramref name="y"/> (0 = top) starts in the buffer.</summary>
        private static int RowOffset(int y, int height, int rowBytes, bool bottomRowFirst) => (bottomRowFirst ? height - 1 - y : y) * rowBytes;

        private static void WriteRow(ReadOnlySpan<float> data, int plane, int start, int channels, LatentEncoding encoding, bool alpha, Span<byte> row)
        {
            Span<float> values = stackalloc float[4];
            for (int x = 0; x < row.Length / 4; x++)
            {
                int p = start + x;
                for (int c = 0; c < channels; c++)
                {
                    values[c] = data[(c * plane) + p];
                }

                var (r, g, b) = LatentPreview.ToRgb(values.Slice(0, channels), encoding);
                row[4 * x] = LatentPreview.ToByte(r);
                row[(4 * x) + 1] = LatentPreview.ToByte(g);
                row[(4 * x) + 2] = LatentPreview.ToByte(b);
                row[(4 * x) + 3] = alpha ? LatentPreview.ToByte(LatentPreview.Unit(values[3])) : (byte)255;
            }
        }
    }
}
