#nullable enable
using System;

namespace LiveDiffusion.Imaging
{
    /// <summary>Moves pixels between NCHW float tensors (model range, [-1, 1] by default) and 8-bit images.</summary>
    public static class ImageConversion
    {
        /// <summary>Batch item <paramref name="index"/> of <paramref name="tensor"/> (1, 3 or 4 channels) as an 8-bit image; values are clamped to [low, high].</summary>
        public static RgbImage ToImage(TensorBuffer tensor, int index, float low = -1f, float high = 1f)
        {
            int channels = tensor.Channels;
            if (channels != 1 && channels != 3 && channels != 4)
            {
                throw new ArgumentException($"A tensor with {channels} channels is not an image (1, 3 or 4 channels).", nameof(tensor));
            }

            var image = new RgbImage(tensor.Width, tensor.Height, channels);
            ReadOnlySpan<float> item = tensor.Item(index);
            int plane = tensor.PlaneLength;
            float scale = 255f / (high - low);
            for (int c = 0; c < channels; c++)
            {
                ReadOnlySpan<float> source = item.Slice(c * plane, plane);
                for (int p = 0; p < plane; p++)
                {
                    float v = (source[p] - low) * scale;
                    image.Pixels[(p * channels) + c] = (byte)(v <= 0f ? 0 : v >= 255f ? 255 : (int)(v + 0.5f));
                }
            }

            return image;
        }

        /// <summary>Writes <paramref name="image"/> into batch item <paramref name="index"/> of <paramref name="tensor"/>, mapping [0, 255] to [low, high].</summary>
        public static void FromImage(RgbImage image, TensorBuffer tensor, int index, float low = -1f, float high = 1f)
        {
            if (image.Width != tensor.Width || image.Height != tensor.Height || image.Channels != tensor.Channels)
            {
                throw new ArgumentException($"Image {image.Width}x{image.Height}x{image.Channels} does not fit tensor {tensor.ShapeString}.", nameof(image));
            }

            Span<float> item = tensor.Item(index);
            int plane = tensor.PlaneLength;
            int channels = image.Channels;
            float scale = (high - low) / 255f;
            for (int c = 0; c < channels; c++)
            {
                Span<float> target = item.Slice(c * plane, plane);
                for (int p = 0; p < plane; p++)
                {
                    target[p] = low + (image.Pixels[(p * channels) + c] * scale);
                }
            }
        }
    }
}
