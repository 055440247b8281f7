using System;
using System.Linq;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class BaselineTests
    {
        [Fact]
        public void FitIsThePerPixelMeanAndStandardDeviation()
        {
            var images = new[]
            {
                new RgbImage(2, 1, 1, new byte[] { 10, 200 }),
                new RgbImage(2, 1, 1, new byte[] { 20, 200 }),
                new RgbImage(2, 1, 1, new byte[] { 30, 200 }),
            };
            PixelGaussianBaseline fit = PixelGaussianBaseline.Fit(images);
            Assert.Equal(new[] { 20.0, 200.0 }, fit.Mean);
            Assert.Equal(Math.Sqrt(200.0 / 3), fit.StandardDeviation[0], 10);
            Assert.Equal(0.0, fit.StandardDeviation[1]);
        }

        [Fact]
        public void SamplesFollowTheFitAreClampedAndSeeded()
        {
            // Pixel 0: mean 100, std 20. Pixel 1: constant 7. Pixel 2: mean ~245, std ~24, so some draws clamp at 255.
            var random = new NoiseGenerator(1);
            var images = Enumerable.Range(0, 2000).Select(_ =>
            {
                double a = 100 + (20 * random.NextGaussian());
                double c = 245 + (10 * random.NextGaussian());
                return new RgbImage(3, 1, 1, new[] { (byte)Math.Clamp(Math.Round(a), 0, 255), (byte)7, (byte)Math.Clamp(Math.Round(c), 0, 255) });
            }).ToArray();
            PixelGaussianBaseline fit = PixelGaussianBaseline.Fit(images);
            RgbImage[] samples = fit.Sample(4000, seed: 42);
            double[] first = samples.Select(s => (double)s.Pixels[0]).ToArray();
            double mean = first.Average();
            double std = Math.Sqrt(first.Select(v => (v - mean) * (v - mean)).Average());
            Assert.InRange(mean, fit.Mean[0] - 1.5, fit.Mean[0] + 1.5);
            Assert.InRange(std, fit.StandardDeviation[0] - 1.5, fit.StandardDeviation[0] + 1.5);
            Assert.All(samples, s => Assert.Equal(7, s.Pixels[1]));
            Assert.Contains(samples, s => s.Pixels[2] == 255);

            Assert.Equal(samples[17].Pixels, fit.Sample(4000, seed: 42)[17].Pixels);
            Assert.NotEqual(samples.Select(s => s.Pixels[0]), fit.Sample(4000, seed: 43).Select(s => s.Pixels[0]));
        }

        [Fact]
        public void HalvesAreADisjointSeededCover()
        {
            (int[] a, int[] b) = DatasetSplit.Halves(101, 5);
            Assert.Equal(50, a.Length);
            Assert.Equal(51, b.Length);
            Assert.Empty(a.Intersect(b));
            Assert.Equal(Enumerable.Range(0, 101), a.Concat(b).OrderBy(i => i));
            Assert.Equal(a, DatasetSplit.Halves(101, 5).First);
            Assert.NotEqual(a, DatasetSplit.Halves(101, 6).First);

            // Every item is equally likely to land in either half: over 2000 seeds item 0 is in the first half about
            // half the time (binomial std ≈ 22), and not simply the first 50 indices.
            int inFirst = Enumerable.Range(0, 2000).Count(s => DatasetSplit.Halves(100, (ulong)s).First.Contains(0));
            Assert.InRange(inFirst, 900, 1100);
            Assert.NotEqual(Enumerable.Range(0, 50), a);
        }

        [Fact]
        public void CropAndColourConversionsKeepThePixelsTheyShould()
        {
            var rgba = new RgbImage(1, 2, 4, new byte[] { 255, 100, 0, 255, 200, 200, 200, 0 });
            Assert.Equal(new byte[] { 255, 100, 0, 0, 0, 0 }, EvaluationImages.ToRgb(rgba).Pixels);
            var grey = new RgbImage(1, 1, 1, new byte[] { 9 });
            Assert.Equal(new byte[] { 9, 9, 9 }, EvaluationImages.ToRgb(grey).Pixels);

            var wide = new RgbImage(4, 2, 1, new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 });
            Assert.Equal(new byte[] { 1, 2, 5, 6 }, EvaluationImages.CenterCrop(wide, 2).Pixels);
            Assert.Equal(new float[] { 0, 1 }, EvaluationImages.ToUnitFloats(new RgbImage(2, 1, 1, new byte[] { 0, 255 })));
        }
    }
}
