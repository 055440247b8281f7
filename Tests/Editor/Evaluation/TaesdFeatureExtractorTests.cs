using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Imaging;
using LiveDiffusion.Tests.Support;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class TaesdFeatureExtractorTests
    {
        private readonly ITestOutputHelper _output;

        public TaesdFeatureExtractorTests(ITestOutputHelper output) => _output = output;

        internal static TaesdEncoder LoadEncoder() => TaesdEncoder.Load(Path.Combine(SharedDataFolder.Require("taesd"), TaesdEncoder.WeightsFileName));

        /// <summary>The first <paramref name="count"/> tiles (sorted by name) of a dungeon-tiles subfolder, as 32x32 RGB.</summary>
        internal static RgbImage[] Tiles(string folder, int count, int skip = 0) =>
            Directory.GetFiles(SharedDataFolder.Require("dungeon-tiles", folder), "*.png")
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => EvaluationImages.ToRgb(PngFile.Read(f)))
                .Where(i => i.Width == 32 && i.Height == 32)
                .Skip(skip)
                .Take(count)
                .ToArray();

        [Fact]
        public void UpscaleFactorReachesSixtyFourPixels()
        {
            Assert.Equal(2, TaesdFeatureExtractor.UpscaleFactor(32, 32));
            Assert.Equal(1, TaesdFeatureExtractor.UpscaleFactor(64, 64));
            Assert.Equal(1, TaesdFeatureExtractor.UpscaleFactor(128, 96));
            Assert.Equal(4, TaesdFeatureExtractor.UpscaleFactor(16, 16));
            Assert.Equal(3, TaesdFeatureExtractor.UpscaleFactor(24, 40));
        }

        [SharedDataFact("taesd", "dungeon-tiles")]
        public void FeaturesAreTheEncoderStageMeansOfTheNearestUpscaledImages()
        {
            using TaesdEncoder encoder = LoadEncoder();
            RgbImage[] tiles = Tiles("floor", 5);
            float[][] small = new TaesdFeatureExtractor(encoder, batchSize: 2).Extract(tiles);
            float[][] large = new TaesdFeatureExtractor(encoder, batchSize: 32).Extract(tiles);
            Assert.Equal(5, small.Length);
            Assert.All(small, f => Assert.Equal(256, f.Length));

            // Built independently: RgbImage.ScaleNearest(2), planes in [0, 1], one batch.
            var values = new float[5 * 3 * 64 * 64];
            for (int i = 0; i < 5; i++)
            {
                RgbImage big = tiles[i].ScaleNearest(2);
                for (int p = 0; p < 64 * 64; p++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        values[(((i * 3) + c) * 64 * 64) + p] = big.Pixels[(p * 3) + c] / 255f;
                    }
                }
            }

            using Tensor input = tensor(values, new long[] { 5, 3, 64, 64 });
            using Tensor expected = encoder.Features(input);
            float[] flat = expected.data<float>().ToArray();
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 256; j++)
                {
                    Assert.Equal(flat[(i * 256) + j], small[i][j], 4);
                    Assert.Equal(small[i][j], large[i][j], 4);
                }
            }
        }

        [SharedDataFact("taesd", "dungeon-tiles")]
        public void FloorTilesAreCloserToOtherFloorTilesThanToWalls()
        {
            // The feature space has to separate what a viewer separates: FD between two disjoint sets of floor tiles
            // is well below FD between floor and wall tiles. 80 tiles per set (interleaved so both floor sets span the
            // same tile families).
            using TaesdEncoder encoder = LoadEncoder();
            var extractor = new TaesdFeatureExtractor(encoder);
            RgbImage[] floors = Tiles("floor", 160);
            float[][] floorFeatures = extractor.Extract(floors);
            float[][] floorA = floorFeatures.Where((_, i) => i % 2 == 0).ToArray();
            float[][] floorB = floorFeatures.Where((_, i) => i % 2 == 1).ToArray();
            float[][] walls = extractor.Extract(Tiles("wall", 80));
            double same = FrechetDistance.Between(floorA, floorB);
            double different = FrechetDistance.Between(floorA, walls);
            _output.WriteLine($"FD floor/floor {same:F4}, floor/wall {different:F4}");
            Assert.True(different > 1.5 * same, $"FD floor/floor {same:F4}, floor/wall {different:F4}");
        }
    }
}
