using System;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class SeamScoreTests
    {
        /// <summary>Seeded noise smoothed with a wrap-around box blur: a smooth texture that tiles by construction.</summary>
        private static double[,,] TileableTexture(int size, ulong seed, int radius = 2)
        {
            var random = new NoiseGenerator(seed);
            var noise = new double[size, size, 3];
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        noise[y, x, c] = random.NextDouble();
                    }
                }
            }

            var blurred = new double[size, size, 3];
            int n = ((2 * radius) + 1) * ((2 * radius) + 1);
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double sum = 0;
                        for (int dy = -radius; dy <= radius; dy++)
                        {
                            for (int dx = -radius; dx <= radius; dx++)
                            {
                                sum += noise[(y + dy + size) % size, (x + dx + size) % size, c];
                            }
                        }

                        blurred[y, x, c] = sum / n;
                    }
                }
            }

            return blurred;
        }

        /// <summary>A width×height crop starting at (x0, y0) of the texture repeated without end, scaled to bytes around 128.</summary>
        private static RgbImage Crop(double[,,] texture, int x0, int y0, int width, int height)
        {
            int size = texture.GetLength(0);
            var image = new RgbImage(width, height, 3);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double v = 128 + (600 * (texture[(y0 + y) % size, (x0 + x) % size, c] - 0.5));
                        image.Pixels[(((y * width) + x) * 3) + c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
                    }
                }
            }

            return image;
        }

        [Fact]
        public void TileableImagesScoreAboutOne()
        {
            // White noise: every neighbour pair, across the wrap or not, is two independent pixels.
            var random = new NoiseGenerator(5);
            var noise = new RgbImage(64, 64, 3);
            for (int i = 0; i < noise.Pixels.Length; i++)
            {
                noise.Pixels[i] = (byte)(random.NextDouble() * 256);
            }

            Assert.InRange(SeamScore.Of(noise), 0.8, 1.2);

            // A smooth texture that tiles, cut anywhere along whole periods (64 divides 128): no seam.
            double[,,] texture = TileableTexture(64, 9);
            Assert.InRange(SeamScore.Of(Crop(texture, 0, 0, 64, 64)), 0.6, 1.5);
            Assert.InRange(SeamScore.Of(Crop(texture, 13, 7, 128, 128)), 0.6, 1.5);
        }

        [Fact]
        public void TheSameTextureCutAcrossAPeriodShowsASeam()
        {
            // 96 is not a multiple of the 64-pixel period, so the wrap joins unrelated parts of the texture. For this
            // blur the expected ratio is about 5 (twice the texture variance over the variance of a neighbour step).
            double[,,] texture = TileableTexture(64, 9);
            double tiled = SeamScore.Of(Crop(texture, 0, 0, 64, 64));
            double cut = SeamScore.Of(Crop(texture, 0, 0, 96, 96));
            Assert.True(cut > 2.5, $"seam score of a non-tiling crop: {cut:F2}");
            Assert.True(cut > 2 * tiled);
        }

        [Fact]
        public void ARampScoresFarAboveOne()
        {
            var ramp = new RgbImage(32, 32, 3);
            for (int y = 0; y < 32; y++)
            {
                for (int x = 0; x < 32; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        ramp.Pixels[(((y * 32) + x) * 3) + c] = (byte)(x * 8);
                    }
                }
            }

            // Interior steps of 8/255 horizontally, 0 vertically; a jump of 248/255 across the wrap. Close to
            // ((H·248²)/(H+W)) / ((H·31·8²)/(H·31+W·31)) = 961.
            double score = SeamScore.Of(ramp);
            Assert.InRange(score, 900, 1000);
        }

        [Fact]
        public void FlatImagesScoreOneAndSmallCasesMatchTheDefinition()
        {
            var flat = new RgbImage(8, 8, 3);
            Array.Fill(flat.Pixels, (byte)77);
            Assert.Equal(1.0, SeamScore.Of(flat), 12);

            // 3x2 grey: rows [0, 128, 255]. Interior: horizontal 128², 127² per row, vertical 0 (7 pairs);
            // wrap: 255² per row, 0 per column (5 pairs).
            var small = new RgbImage(3, 2, 1, new byte[] { 0, 128, 255, 0, 128, 255 });
            double interior = 2 * ((128.0 * 128) + (127.0 * 127)) / (255.0 * 255) / 7;
            double wrap = 2.0 / 5;
            Assert.Equal((wrap + SeamScore.Epsilon) / (interior + SeamScore.Epsilon), SeamScore.Of(small), 10);
        }

        [Fact]
        public void SummaryGivesMeanAndMedian()
        {
            var flat = new RgbImage(4, 4, 1);
            var small = new RgbImage(3, 2, 1, new byte[] { 0, 128, 255, 0, 128, 255 });
            ValueSummary s = SeamScore.Summarize(new[] { flat, flat, small });
            Assert.Equal(3, s.Count);
            Assert.Equal(1.0, s.Median, 12);
            Assert.Equal((2 + SeamScore.Of(small)) / 3, s.Mean, 12);
        }
    }
}
