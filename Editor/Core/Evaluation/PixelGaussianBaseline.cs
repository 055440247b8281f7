using System;
using System.Collections.Generic;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// The trivial generator every model must beat: each pixel channel an independent Gaussian with the data set's
    /// per-position mean and standard deviation. Its samples have the right colours in the right places on average
    /// and no structure at all; a model whose Fréchet distance is near this one's has learned little more.
    /// </summary>
    public sealed class PixelGaussianBaseline
    {
        private PixelGaussianBaseline(int width, int height, int channels, double[] mean, double[] std)
        {
            Width = width;
            Height = height;
            Channels = channels;
            Mean = mean;
            StandardDeviation = std;
        }

        /// <summary>Image width.</summary>
        public int Width { get; }

        /// <summary>Image height.</summary>
        public int Height { get; }

        /// <summary>Channels per pixel.</summary>
        public int Channels { get; }

        /// <summary>Per position and channel (interleaved, row-major) mean, in 0..255.</summary>
        public double[] Mean { get; }

        /// <summary>Per position and channel standard deviation (population, divided by N), in 0..255.</summary>
        public double[] StandardDeviation { get; }

        /// <summary>Fits the per-pixel Gaussians to <paramref name="images"/> (all of one size and channel count).</summary>
        public static PixelGaussianBaseline Fit(IReadOnlyList<RgbImage> images)
        {
            if (images.Count == 0)
            {
                throw new ArgumentException("Fitting needs at least one image.", nameof(images));
            }

            RgbImage first = images[0];
            int length = first.Pixels.Length;
            var sum = new double[length];
            var sumSquares = new double[length];
            foreach (RgbImage image in images)
            {
                if (image.Width != first.Width || image.Height != first.Height || image.Channels != first.Channels)
                {
                    throw new ArgumentException($"Images differ in size: {first.Width}x{first.Height}x{first.Channels} and {image.Width}x{image.Height}x{image.Channels}.", nameof(images));
                }

                for (int i = 0; i < length; i++)
                {
                    double v = image.Pixels[i];
                    sum[i] += v;
                    sumSquares[i] += v * v;
                }
            }

            var mean = new double[length];
            var std = new double[length];
            for (int i = 0; i < length; i++)
            {
                mean[i] = sum[i] / images.Count;
                std[i] = Math.Sqrt(Math.Max(0, (sumSquares[i] / images.Count) - (mean[i] * mean[i])));
            }

            return new PixelGaussianBaseline(first.Width, first.Height, first.Channels, mean, std);
        }

        /// <summary>
        /// Draws <paramref name="count"/> images: value = round(mean + std·z), z standard normal from
        /// <see cref="NoiseGenerator"/> seeded with <paramref name="seed"/>, clamped to [0, 255].
        /// </summary>
        public RgbImage[] Sample(int count, ulong seed)
        {
            var random = new NoiseGenerator(seed);
            var images = new RgbImage[count];
            for (int n = 0; n < count; n++)
            {
                var image = new RgbImage(Width, Height, Channels);
                for (int i = 0; i < Mean.Length; i++)
                {
                    double v = Mean[i] + (StandardDeviation[i] * random.NextGaussian());
                    image.Pixels[i] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                }

                images[n] = image;
            }

            return images;
        }
    }
}
