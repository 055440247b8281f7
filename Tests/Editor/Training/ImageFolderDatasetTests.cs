using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Training
{
    public sealed class ImageFolderDatasetTests
    {
        [Fact]
        public void BadFilesAreSkippedAndCountedNotFatal()
        {
            using var data = new TinyDataset();
            ImageFolderDataset dataset = ImageFolderDataset.Load(data.Folder, new DatasetOptions { Size = 16, ClassConditional = true });
            Assert.Equal(12, dataset.Count);
            Assert.Equal(TinyDataset.BadFiles, dataset.Skipped.Count);
            Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("empty.png", StringComparison.Ordinal) && s.Reason.Contains("empty", StringComparison.Ordinal));
            Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("notes.png", StringComparison.Ordinal));
            Assert.Contains(dataset.Skipped, s => s.Path.EndsWith("truncated.png", StringComparison.Ordinal));
            Assert.Equal(new[] { "checks", "stripes" }, dataset.ClassNames);
            Assert.Equal(new[] { 6, 6 }, dataset.ClassCounts);
        }

        [Fact]
        public void BatchesAreInMinusOneToOneWithLabelsAndFollowTheRandomSource()
        {
            using var data = new TinyDataset(withBadFiles: false);
            ImageFolderDataset dataset = ImageFolderDataset.Load(data.Folder, new DatasetOptions { Size = 16, ClassConditional = true, FlipHorizontal = true, Rotate90 = true });
            var indices = new[] { 0, 7, 11 };
            var pixels = new float[3 * 3 * 16 * 16];
            var labels = new long[3];
            dataset.FillBatch(indices, new NoiseGenerator(1), pixels, labels);
            Assert.All(pixels, v => Assert.InRange(v, -1f, 1f));
            Assert.Equal(new long[] { 0, 1, 1 }, labels);

            var again = new float[pixels.Length];
            dataset.FillBatch(indices, new NoiseGenerator(1), again, labels);
            Assert.Equal(pixels, again);

            // The unaugmented first sample reproduces the file's pixels exactly.
            ImageFolderDataset plain = ImageFolderDataset.Load(data.Folder, new DatasetOptions { Size = 16, ClassConditional = true, FlipHorizontal = false });
            var one = new float[3 * 16 * 16];
            plain.FillBatch(new[] { 0 }, new NoiseGenerator(2), one, new long[1]);
            RgbImage source = PngFile.Read(Path.Combine(data.Folder, plain.Files[0]));
            Assert.Equal((source.Pixels[0] / 127.5f) - 1f, one[0], 5);
            Assert.Equal((source.Pixels[(17 * 3) + 2] / 127.5f) - 1f, one[(2 * 256) + 17], 5);
        }

        [Fact]
        public void LargerImagesAreResizedByAreaAndAlphaIsComposited()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-data-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                // 32x24 RGBA: left half opaque white, right half fully transparent red.
                var image = new RgbImage(32, 24, 4);
                for (int p = 0; p < 32 * 24; p++)
                {
                    bool left = p % 32 < 16;
                    image.Pixels[p * 4] = 255;
                    image.Pixels[(p * 4) + 1] = left ? (byte)255 : (byte)0;
                    image.Pixels[(p * 4) + 2] = left ? (byte)255 : (byte)0;
                    image.Pixels[(p * 4) + 3] = left ? (byte)255 : (byte)0;
                }

                PngFile.Write(Path.Combine(folder, "a.png"), image);
                ImageFolderDataset dataset = ImageFolderDataset.Load(folder, new DatasetOptions { Size = 12, FlipHorizontal = false });
                RgbImage prepared = dataset.Image(0);
                Assert.Equal((16, 12, 3), (prepared.Width, prepared.Height, prepared.Channels));
                Assert.Equal(255, prepared.Pixels[0]);
                Assert.Equal(0, prepared.Pixels[((12 * 16) - 1) * 3]); // transparent red over black background
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void AFolderWithoutImagesSaysSo()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-data-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllBytes(Path.Combine(folder, "broken.png"), new byte[] { 1, 2, 3 });
                var error = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Load(folder, new DatasetOptions()));
                Assert.Contains("no usable images", error.Message);
                Assert.Contains("broken.png", error.Message);
                Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Load(Path.Combine(folder, "missing"), new DatasetOptions()));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void OrientationClassesRotateAndFlipOnlyTheNamedClasses()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-data-" + Guid.NewGuid().ToString("N"));
            try
            {
                // One 8x8 image per class whose pixels differ under every rotation and flip (value = 8y + x).
                foreach (string name in new[] { "floor", "wall" })
                {
                    Directory.CreateDirectory(Path.Combine(folder, name));
                    var image = new RgbImage(8, 8, 3);
                    for (int p = 0; p < 64; p++)
                    {
                        image.Pixels[p * 3] = image.Pixels[(p * 3) + 1] = image.Pixels[(p * 3) + 2] = (byte)(p * 4);
                    }

                    PngFile.Write(Path.Combine(folder, name, "a.png"), image);
                }

                var options = new DatasetOptions { Size = 8, ClassConditional = true, FlipHorizontal = false, FlipVertical = true, Rotate90 = true, OrientationClasses = new[] { "floor" } };
                ImageFolderDataset dataset = ImageFolderDataset.Load(folder, options);
                Assert.Equal(new[] { "floor", "wall" }, dataset.ClassNames);
                var plain = new float[3 * 64];
                ImageFolderDataset.Load(folder, new DatasetOptions { Size = 8, ClassConditional = true, FlipHorizontal = false }).FillBatch(new[] { 0 }, new NoiseGenerator(0), plain, new long[1]);

                var seenFloor = new HashSet<string>();
                var sample = new float[3 * 64];
                for (ulong seed = 0; seed < 64; seed++)
                {
                    dataset.FillBatch(new[] { 1 }, new NoiseGenerator(seed), sample, new long[1]);
                    Assert.Equal(plain, sample); // walls keep their up
                    dataset.FillBatch(new[] { 0 }, new NoiseGenerator(seed), sample, new long[1]);
                    seenFloor.Add(string.Join(",", sample.Take(64)));
                }

                Assert.Equal(8, seenFloor.Count); // floors take all 4 rotations x 2 vertical flips

                var unknown = Assert.Throws<DatasetOptionException>(() => ImageFolderDataset.Load(folder, new DatasetOptions { Size = 8, ClassConditional = true, Rotate90 = true, OrientationClasses = new[] { "ceiling" } }));
                Assert.Equal(nameof(DatasetOptions.OrientationClasses), unknown.Option);
                Assert.Contains("'ceiling'", unknown.Message);
                Assert.Contains("floor, wall", unknown.Message);
                Assert.Throws<DatasetOptionException>(() => ImageFolderDataset.Load(folder, new DatasetOptions { Size = 8, Rotate90 = true, OrientationClasses = new[] { "floor" } }));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
