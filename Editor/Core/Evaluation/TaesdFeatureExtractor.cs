using System;
using System.Collections.Generic;
using LiveDiffusion.Imaging;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// Turns images into the feature vectors the Fréchet distance compares: each image is made RGB
    /// (<see cref="EvaluationImages.ToRgb"/>), upscaled with nearest-neighbour sampling by the integer factor
    /// ⌈64 / min(width, height)⌉ (at least 1; so 32×32 becomes 64×64: TAESD downsamples 8× and a 32×32 input would
    /// leave 4×4 latents), mapped to [0, 1] (value / 255), and passed through <see cref="TaesdEncoder.Features"/>:
    /// 256 numbers per image (the per-channel spatial means of the 64-channel activations at the end of TAESD's four
    /// encoder stages). TAESD stands in for Inception here because it is small, MIT-licensed and already in the
    /// package; distances are therefore not comparable with published FID numbers, only with each other.
    /// </summary>
    public sealed class TaesdFeatureExtractor
    {
        /// <summary>The side length images are upscaled to reach (at least).</summary>
        public const int TargetSize = 64;

        private readonly TaesdEncoder _encoder;

        /// <summary>Uses <paramref name="encoder"/> (not owned) with batches of <paramref name="batchSize"/> images.</summary>
        public TaesdFeatureExtractor(TaesdEncoder encoder, int batchSize = 32)
        {
            _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
            if (batchSize < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize));
            }

            BatchSize = batchSize;
        }

        /// <summary>Images per encoder call.</summary>
        public int BatchSize { get; }

        /// <summary>Length of every feature vector.</summary>
        public int Dimension => TaesdEncoder.FeatureLength;

        /// <summary>The nearest-neighbour upscale factor used for an image of this size: ⌈64 / min(width, height)⌉, at least 1.</summary>
        public static int UpscaleFactor(int width, int height) => Math.Max(1, (TargetSize + Math.Min(width, height) - 1) / Math.Min(width, height));

        /// <summary>The feature vectors of <paramref name="images"/> (all of one size), in order.</summary>
        public float[][] Extract(IReadOnlyList<RgbImage> images)
        {
            var result = new float[images.Count][];
            if (images.Count == 0)
            {
                return result;
            }

            int width = images[0].Width, height = images[0].Height;
            int factor = UpscaleFactor(width, height);
            int w = width * factor, h = height * factor;
            int plane = w * h;
            for (int start = 0; start < images.Count; start += BatchSize)
            {
                int count = Math.Min(BatchSize, images.Count - start);
                var values = new float[count * 3 * plane];
                for (int b = 0; b < count; b++)
                {
                    RgbImage image = images[start + b];
                    if (image.Width != width || image.Height != height)
                    {
                        throw new ArgumentException($"Images differ in size: {width}x{height} and {image.Width}x{image.Height} (image {start + b}).", nameof(images));
                    }

                    RgbImage rgb = EvaluationImages.ToRgb(image);
                    int offset = b * 3 * plane;
                    for (int y = 0; y < h; y++)
                    {
                        int sourceRow = (y / factor) * width;
                        for (int x = 0; x < w; x++)
                        {
                            int source = (sourceRow + (x / factor)) * 3;
                            int target = (y * w) + x;
                            values[offset + target] = rgb.Pixels[source] / 255f;
                            values[offset + plane + target] = rgb.Pixels[source + 1] / 255f;
                            values[offset + (2 * plane) + target] = rgb.Pixels[source + 2] / 255f;
                        }
                    }
                }

                using var scope = NewDisposeScope();
                Tensor input = tensor(values, new long[] { count, 3, h, w });
                Tensor features = _encoder.Features(input).contiguous();
                float[] flat = features.data<float>().ToArray();
                int d = TaesdEncoder.FeatureLength;
                for (int b = 0; b < count; b++)
                {
                    result[start + b] = flat.AsSpan(b * d, d).ToArray();
                }
            }

            return result;
        }
    }
}
