using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Training
{
    /// <summary>Dataset images decoded with a bounded cost: format by signature, header checked against the budget, formats allowed.</summary>
    public sealed class DatasetImageDecoderTests
    {
        private static byte[] Png(int width, int height, int channels, int seed)
        {
            var random = new Random(seed);
            var pixels = new byte[width * height * channels];
            random.NextBytes(pixels);
            return PngFile.Encode(new RgbImage(width, height, channels, pixels));
        }

        /// <summary>Skia (the dataset's decoder now) and stb_image (before) give the same pixels for every real CC0 tile.</summary>
        [SharedDataFact]
        public void SkiaDecodesEveryRealTileExactlyAsStbImageDid()
        {
            string[] files = Directory.GetFiles(SharedData.PathOf("dungeon-tiles"), "*.png", SearchOption.AllDirectories);
            Assert.True(files.Length >= 20, $"{files.Length} tiles");
            foreach (string file in files)
            {
                byte[] bytes = File.ReadAllBytes(file);
                RgbImage skia = DatasetImageDecoder.Decode(bytes, ".png", DatasetImageDecoder.DefaultFormats);
                RgbImage stb = PngFile.Decode(bytes, 4);
                Assert.True(stb.Pixels.AsSpan().SequenceEqual(skia.Pixels), file);
            }
        }

        [Theory]
        [InlineData(1)]
        [InlineData(3)]
        [InlineData(4)]
        public void GreyRgbAndRgbaPngsDecodeToTheirPixels(int channels)
        {
            byte[] png = Png(7, 5, channels, channels);
            RgbImage decoded = DatasetImageDecoder.Decode(png, ".png", DatasetImageDecoder.DefaultFormats);
            Assert.Equal(PngFile.Decode(png, 4).Pixels, decoded.Pixels);
        }

        [Fact]
        public void AHeaderOverThePixelBudgetIsRefusedBeforeAnyPixelIsAllocated()
        {
            // A valid 32x32 PNG whose IHDR claims 30000x30000 (the CRC fixed so the header itself is well formed).
            byte[] png = Png(32, 32, 3, 1);
            BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 30000);
            BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 30000);
            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var error = Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(png, ".png", DatasetImageDecoder.DefaultFormats));
            Assert.Equal("30000x30000 is over the pixel budget of 16,777,216 pixels per image (--max-pixels)", error.Message);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "nothing image-sized was allocated");
            Assert.Contains("over the pixel budget of 100 pixels", Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(Png(32, 32, 3, 1), ".png", DatasetImageDecoder.DefaultFormats, maxPixels: 100)).Message);
        }

        [Fact]
        public void FormatsAreKnownByTheirFirstBytesAndOnlyAllowedOnesAreDecoded()
        {
            Assert.Equal("png", DatasetImageDecoder.FormatOf(Png(2, 2, 3, 0), ".jpg"));
            Assert.Equal("gif", DatasetImageDecoder.FormatOf(System.Text.Encoding.ASCII.GetBytes("GIF89a...."), ".png"));
            Assert.Equal("tga", DatasetImageDecoder.FormatOf(new byte[] { 0, 0, 2, 0 }, ".TGA"));
            Assert.Null(DatasetImageDecoder.FormatOf(System.Text.Encoding.ASCII.GetBytes("P6\n2 2\n255\n"), ".ppm"));

            byte[] gif = System.Text.Encoding.ASCII.GetBytes("GIF89a\x02\x00\x02\x00\x00\x00\x00");
            Assert.Equal("GIF images are not decoded by default; allow them with --allow-formats gif", Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(gif, ".gif", DatasetImageDecoder.DefaultFormats)).Message);
            Assert.StartsWith("not an image in a format read here", Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(new byte[] { 1, 2, 3, 4 }, ".png", DatasetImageDecoder.DefaultFormats)).Message);
        }

        [Fact]
        public void TruncatedAndCorruptImagesGiveAReadableReason()
        {
            byte[] png = Png(64, 64, 3, 2);
            string truncated = Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(png.AsSpan(0, png.Length / 2).ToArray(), ".png", DatasetImageDecoder.DefaultFormats)).Message;
            Assert.Equal("a truncated PNG (the data ends before the last row)", truncated);
            string header = Assert.Throws<InvalidDataException>(() => DatasetImageDecoder.Decode(png.AsSpan(0, 20).ToArray(), ".png", DatasetImageDecoder.DefaultFormats)).Message;
            Assert.Equal("a corrupt or truncated PNG (its header cannot be read)", header);
            Assert.All(new[] { truncated, header }, m => Assert.DoesNotContain(m, c => char.IsControl(c)));
        }

        [Fact]
        public void ADatasetListsEveryFileItDidNotUseWithAReasonAndStaysInBudget()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-hostile-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllBytes(Path.Combine(folder, "good.png"), Png(32, 32, 3, 3));
                byte[] huge = Png(32, 32, 3, 4);
                BinaryPrimitives.WriteInt32BigEndian(huge.AsSpan(16), 30000);
                BinaryPrimitives.WriteInt32BigEndian(huge.AsSpan(20), 30000);
                BinaryPrimitives.WriteUInt32BigEndian(huge.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(huge.AsSpan(12, 17)));
                File.WriteAllBytes(Path.Combine(folder, "huge.png"), huge);
                File.WriteAllBytes(Path.Combine(folder, "bad_truncated.png"), Png(32, 32, 3, 5).AsSpan(0, 60).ToArray());
                File.WriteAllText(Path.Combine(folder, "picture.ppm"), "P6\n2 2\n255\n");
                File.WriteAllBytes(Path.Combine(folder, "anim.gif"), System.Text.Encoding.ASCII.GetBytes("GIF89a\x02\x00\x02\x00\x00\x00\x00"));

                ImageFolderDataset dataset = ImageFolderDataset.Load(folder, new DatasetOptions { Size = 32 });
                Assert.Equal(1, dataset.Count);
                Dictionary<string, string> reasons = dataset.Skipped.ToDictionary(s => s.Path, s => s.Reason);
                Assert.Equal(4, reasons.Count);
                Assert.StartsWith("30000x30000 is over the pixel budget", reasons["huge.png"]);
                Assert.Equal("a truncated PNG (the data ends before the last row)", reasons["bad_truncated.png"]);
                Assert.StartsWith("not an image file (.ppm)", reasons["picture.ppm"]);
                Assert.Contains("--allow-formats gif", reasons["anim.gif"]);
                Assert.All(reasons.Values, r => Assert.DoesNotContain(r, c => char.IsControl(c)));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
