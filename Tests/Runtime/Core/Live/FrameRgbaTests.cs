using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Live;
using LiveDiffusion.Preview;
using Xunit;

namespace LiveDiffusion.Tests.Live
{
    /// <summary>A frame as engine texture bytes: the same colours as LatentPreview (the viewer's reference), laid out as engines want.</summary>
    public sealed class FrameRgbaTests
    {
        /// <summary>A frame of <paramref name="batch"/> items with values spread over [-1.5, 1.5] (so clamping is exercised).</summary>
        internal static DenoisingFrame Frame(int batch, int channels, int height, int width, int seed, int index = 0, int count = 1)
        {
            var random = new System.Random(seed);
            var latents = new TensorBuffer(batch, channels, height, width);
            var x0 = new TensorBuffer(batch, channels, height, width);
            for (int i = 0; i < latents.Span.Length; i++)
            {
                latents.Span[i] = (float)((random.NextDouble() * 3) - 1.5);
                x0.Span[i] = (float)((random.NextDouble() * 3) - 1.5);
            }

            using var channel = new DenoisingFrameChannel();
            Assert.True(channel.Publish(index, count, 500f, TimeSpan.Zero, TimeSpan.Zero, latents, x0));
            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame));
            return frame;
        }

        [Theory]
        [InlineData(3, LatentEncoding.Pixels, true)]
        [InlineData(3, LatentEncoding.Pixels, false)]
        [InlineData(1, LatentEncoding.Pixels, true)]
        [InlineData(4, LatentEncoding.StableDiffusion1, true)]
        [InlineData(4, LatentEncoding.StableDiffusion1, false)]
        public void EveryPixelIsLatentPreviewsColourAndOpaque(int channels, LatentEncoding encoding, bool predictedOriginal)
        {
            DenoisingFrame frame = Frame(batch: 2, channels, height: 5, width: 7, seed: channels);
            var rgba = new byte[FrameRgba.ByteCount(7, 5)];
            FrameRgba.Write(frame, 1, predictedOriginal, encoding, rgba);

            RgbImage reference = LatentPreview.ToImage(frame, predictedOriginal, 1, encoding);
            for (int p = 0; p < 35; p++)
            {
                Assert.Equal(reference.Pixels[3 * p], rgba[4 * p]);
                Assert.Equal(reference.Pixels[(3 * p) + 1], rgba[(4 * p) + 1]);
                Assert.Equal(reference.Pixels[(3 * p) + 2], rgba[(4 * p) + 2]);
                Assert.Equal(255, rgba[(4 * p) + 3]);
            }
        }

        [Fact]
        public void AFourChannelPixelModelsFourthChannelIsTheAlpha()
        {
            DenoisingFrame frame = Frame(batch: 1, channels: 4, height: 3, width: 3, seed: 9);
            var rgba = new byte[FrameRgba.ByteCount(3, 3)];
            FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, rgba);
            for (int p = 0; p < 9; p++)
            {
                float a = frame.PredictedOriginal[(3 * 9) + p];
                Assert.Equal(LatentPreview.ToByte((Math.Min(Math.Max(a, -1f), 1f) * 0.5f) + 0.5f), rgba[(4 * p) + 3]);
            }
        }

        [Fact]
        public void BottomRowFirstFlipsTheRowsAndTilesRepeatTheImageEachWay()
        {
            DenoisingFrame frame = Frame(batch: 1, channels: 3, height: 4, width: 5, seed: 3);
            var plain = new byte[FrameRgba.ByteCount(5, 4)];
            FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, plain);

            var flipped = new byte[plain.Length];
            FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, flipped, bottomRowFirst: true);
            for (int y = 0; y < 4; y++)
            {
                Assert.Equal(plain.AsSpan(y * 20, 20).ToArray(), flipped.AsSpan((3 - y) * 20, 20).ToArray());
            }

            foreach (bool bottomUp in new[] { false, true })
            {
                var tiled = new byte[FrameRgba.ByteCount(5, 4, 3)];
                FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, tiled, tiles: 3, bottomRowFirst: bottomUp);
                byte[] one = bottomUp ? flipped : plain;
                for (int y = 0; y < 12; y++)
                {
                    for (int x = 0; x < 15; x++)
                    {
                        // Stored row y shows image row (11 - y) bottom row first, y otherwise; that is source row % 4,
                        // which the one-tile buffer stores at row 3 - s bottom row first, s otherwise.
                        int s = bottomUp ? (11 - y) % 4 : y % 4;
                        int storedRow = bottomUp ? 3 - s : s;
                        Assert.Equal(one.AsSpan(((storedRow * 5) + (x % 5)) * 4, 4).ToArray(), tiled.AsSpan(((y * 15) + x) * 4, 4).ToArray());
                    }
                }
            }
        }

        [Fact]
        public void AWrongItemOrBufferSizeIsRefusedWithTheSizesItNeeds()
        {
            DenoisingFrame frame = Frame(batch: 2, channels: 3, height: 4, width: 4, seed: 1);
            Assert.Throws<ArgumentOutOfRangeException>(() => FrameRgba.Write(frame, 2, true, LatentEncoding.Pixels, new byte[64]));
            var error = Assert.Throws<ArgumentException>(() => FrameRgba.Write(frame, 0, true, LatentEncoding.Pixels, new byte[63]));
            Assert.Contains("takes 64 RGBA bytes; the destination has 63", error.Message);
            Assert.Equal(4 * 32 * 32 * 9, FrameRgba.ByteCount(32, 32, 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => FrameRgba.ByteCount(40000, 40000, 2));
        }
    }
}
