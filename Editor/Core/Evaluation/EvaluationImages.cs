using System;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>The image conversions every metric shares: RGB, square crops and [0, 1] floats.</summary>
    public static class EvaluationImages
    {
        /// <summary>
        /// The image as 3-channel RGB: grey is replicated, RGBA is composited over black (what the training data
        /// loader does with transparent pixels by default), RGB is returned as it is.
        /// </summary>
        public static RgbImage ToRgb(RgbImage image) => image.ToChannels(3);

        /// <summary>The centred <paramref name="size"/>×<paramref name="size"/> crop (the image itself when it already has that size).</summary>
        public static RgbImage CenterCrop(RgbImage image, int size)
        {
            if (image.Width == size && image.Height == size)
            {
                return image;
            }

            if (image.Width < size || image.Height < size)
            {
                throw new ArgumentException($"A {image.Width}x{image.Height} image cannot be cropped to {size}x{size}.", nameof(image));
            }

            var result = new RgbImage(size, size, image.Channels);
            image.CopyTo(result, -(image.Width - size) / 2, -(image.Height - size) / 2);
            return result;
        }

        /// <summary>The pixels as floats in [0, 1] (value / 255), interleaved and row-major like the bytes.</summary>
        public static float[] ToUnitFloats(RgbImage image)
        {
            var result = new float[image.Pixels.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = image.Pixels[i] / 255f;
            }

            return result;
        }
    }
}
