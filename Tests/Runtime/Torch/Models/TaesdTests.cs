using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Imaging;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Tests.Support;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Tests.Models
{
    public sealed class TaesdTests
    {
        // Tiles from ../shared/data/dungeon-tiles (CC0): a mix of smooth and busy textures, palette and RGB PNGs.
        private static readonly string[] Tiles =
        {
            "floor/limestone2.png", "floor/ice2.png", "floor/white_marble3.png", "floor/acidic_floor0.png",
            "floor/mosaic10.png", "wall/beehives5.png",
        };

        // Differences as a.add(b, -1) with a rooted Scalar: `a - b` is `sub(b, 1)` with a Scalar TorchSharp 0.107 leaves
        // to the finalizer, which can free it during the native call.
        private static readonly Scalar MinusOne = (-1.0).ToScalar();

        private readonly ITestOutputHelper _output;

        public TaesdTests(ITestOutputHelper output) => _output = output;

        private static string TaesdFile(string name) => Path.Combine(SharedDataFolder.Require("taesd"), name);

        /// <summary>The tiles, upscaled 32x32 → 64x64 with nearest-neighbour sampling, as [B, 3, 64, 64] in [0, 1].</summary>
        private static Tensor LoadTiles(int factor = 2)
        {
            int n = 32 * factor;
            string folder = SharedDataFolder.Require("dungeon-tiles");
            var values = new float[Tiles.Length * 3 * n * n];
            for (int i = 0; i < Tiles.Length; i++)
            {
                RgbImage tile = PngFile.Read(Path.Combine(folder, Tiles[i]), 3);
                Assert.Equal(32, tile.Width);
                RgbImage big = tile.ScaleNearest(factor);
                for (int c = 0; c < 3; c++)
                {
                    for (int p = 0; p < n * n; p++)
                    {
                        values[(((i * 3) + c) * n * n) + p] = big.Pixels[(p * 3) + c] / 255f;
                    }
                }
            }

            return tensor(values, new long[] { Tiles.Length, 3, n, n });
        }

        [SharedDataFact("taesd")]
        public void LoadsBothPretrainedHalvesWithEveryTensor()
        {
            using TaesdEncoder encoder = TaesdEncoder.Load(TaesdFile(TaesdEncoder.WeightsFileName));
            using TaesdDecoder decoder = TaesdDecoder.Load(TaesdFile(TaesdDecoder.WeightsFileName));
            Assert.Equal(67, encoder.parameters().Count());
            Assert.Equal(67, decoder.parameters().Count());
            // The README states the decoder's parameter count; the encoder's follows from its layer list.
            Assert.Equal(1_222_531L, decoder.parameters().Sum(p => p.numel()));
            Assert.Contains(encoder.named_parameters(), p => p.name == "13.conv.4.weight");
            Assert.Contains(decoder.named_parameters(), p => p.name == "18.conv.0.bias");
            Assert.False(encoder.training);
            Assert.False(decoder.training);
        }

        [SharedDataFact("taesd", "dungeon-tiles")]
        public void EncodeThenDecodeReconstructsRealTiles()
        {
            using TaesdEncoder encoder = TaesdEncoder.Load(TaesdFile(TaesdEncoder.WeightsFileName));
            using TaesdDecoder decoder = TaesdDecoder.Load(TaesdFile(TaesdDecoder.WeightsFileName));
            using var noGrad = no_grad();
            using Tensor images = LoadTiles();
            using Tensor latents = encoder.forward(images);
            Assert.Equal(new long[] { Tiles.Length, 4, 8, 8 }, latents.shape);
            using Tensor decoded = decoder.Decode(latents);
            Assert.Equal(images.shape, decoded.shape);
            Assert.True(decoded.min().item<float>() >= 0f && decoded.max().item<float>() <= 1f);

            using Tensor perImage = decoded.add(images, MinusOne).abs().mean(new long[] { 1, 2, 3 });
            float[] mae = perImage.data<float>().ToArray();
            float meanMae = mae.Average();

            // Baseline that knows nothing about the structure: every pixel replaced by its image's mean colour.
            using Tensor flat = images.mean(new long[] { 2, 3 }, keepdim: true).expand_as(images);
            float flatMae = flat.add(images, MinusOne).abs().mean().item<float>();
            _output.WriteLine($"TAESD 64x64 reconstruction MAE per tile: {string.Join(", ", mae.Select(m => m.ToString("F4")))}; mean {meanMae:F4}; mean-colour baseline {flatMae:F4}");

            // Measured here (TorchSharp 0.107 CPU, BF16 weights read as float32), 64x64: per tile 0.0422, 0.0419,
            // 0.0571, 0.0617, 0.0233, 0.1104 (beehives, the busiest); mean 0.0561. Mean-colour baseline: 0.0742. For
            // scale, averaging each 8x8 cell (3 numbers per cell where TAESD keeps 4) measures 0.0570: TAESD is lossy
            // (48x compression) and hard-edged pixel art upscaled 2x is its hardest case, so a much tighter figure is
            // not available. At 128x128 the same tiles measure 0.0421. Bounds: mean < 0.065 and every tile < 0.13
            // (about 1.2x the measurement, for other CPUs and libtorch builds), and below 0.85x the mean-colour
            // baseline: a wrong layer order, a missing ReLU or a misplaced weight lands near or above the baseline.
            Assert.True(meanMae < 0.065f, $"mean reconstruction MAE {meanMae:F4}");
            Assert.All(mae, m => Assert.True(m < 0.13f, $"tile MAE {m:F4}"));
            Assert.True(meanMae < 0.85f * flatMae, $"MAE {meanMae:F4} is not clearly below the mean-colour baseline {flatMae:F4}");

            // Flat colours are TAESD's easy case and a sharper check. Measured MAE: grey 0.0080, red 0.0089,
            // light grey 0.0052. Their latents also land where SD 1.x latents of those colours do (projected with the
            // usual 4x3 latent-to-RGB preview matrix, red comes out reddish), so the channel order is right.
            foreach (float[] rgb in new[] { new[] { 0.5f, 0.5f, 0.5f }, new[] { 0.9f, 0.1f, 0.1f }, new[] { 0.9f, 0.9f, 0.9f } })
            {
                using Tensor flatImage = tensor(rgb, new long[] { 1, 3, 1, 1 }).expand(1, 3, 64, 64).contiguous();
                using Tensor flatLatents = encoder.forward(flatImage);
                using Tensor roundTrip = decoder.Decode(flatLatents);
                float error = roundTrip.add(flatImage, MinusOne).abs().mean().item<float>();
                Assert.True(error < 0.015f, $"flat ({string.Join(", ", rgb)}) reconstructs with MAE {error:F4}");
            }
        }

        [SharedDataFact("taesd", "dungeon-tiles")]
        public void FeaturesPoolFourStagesOfSixtyFourChannels()
        {
            using TaesdEncoder encoder = TaesdEncoder.Load(TaesdFile(TaesdEncoder.WeightsFileName));
            using Tensor images = LoadTiles();
            using Tensor features = encoder.Features(images);
            Assert.Equal(new long[] { Tiles.Length, TaesdEncoder.FeatureLength }, features.shape);
            Assert.Equal(256, TaesdEncoder.FeatureLength);
            Assert.True(features.min().item<float>() >= 0f, "stage outputs end in a ReLU");
            Assert.False(features.requires_grad);

            // The first 64 features are the spatial mean of Block 1's output: recompute it from the layers by name.
            using (no_grad())
            {
                var modules = encoder.named_children().ToDictionary(m => m.name, m => m.module);
                using Tensor first = ((nn.Module<Tensor, Tensor>)modules["1"]).forward(((nn.Module<Tensor, Tensor>)modules["0"]).forward(images));
                using Tensor expected = first.mean(new long[] { 2, 3 });
                using Tensor actual = features.narrow(1, 0, 64);
                Assert.True(expected.add(actual, MinusOne).abs().max().item<float>() < 1e-5f);
            }

            // Different tiles give clearly different vectors; the same tile the same vector.
            using Tensor again = encoder.Features(images);
            Assert.True(again.add(features, MinusOne).abs().max().item<float>() == 0f);
            using Tensor d01 = features[0].add(features[1], MinusOne).abs().sum();
            Assert.True(d01.item<float>() > 1f);
        }

        [SharedDataFact("taesd")]
        public void AFileWithAWrongShapeIsRefusedNamingTheTensor()
        {
            string source = TaesdFile(TaesdEncoder.WeightsFileName);
            SafeTensorsFile file = SafeTensorsFile.Read(source);
            var writer = new SafeTensorsWriter();
            foreach (SafeTensorInfo info in file.Tensors)
            {
                if (info.Name == "14.weight")
                {
                    writer.Add(info.Name, new long[] { 8, 64, 3, 3 }, new float[8 * 64 * 9]);
                }
                else
                {
                    writer.Add(info.Name, info.Shape, file.ReadFloat32(info.Name));
                }
            }

            string dir = Directory.CreateTempSubdirectory("taesd-test-").FullName;
            try
            {
                string bad = Path.Combine(dir, "wrong_encoder.safetensors");
                writer.Write(bad);
                ModelConfigException e = Assert.Throws<ModelConfigException>(() => TaesdEncoder.Load(bad));
                Assert.Contains("'14.weight'", e.Message);
                Assert.Contains("[8, 64, 3, 3]", e.Message);
                Assert.Contains("[4, 64, 3, 3]", e.Message);
                Assert.Contains(bad, e.Message);

                // The same tensors at their real shapes load (the check above is about the one shape).
                var good = new SafeTensorsWriter();
                foreach (SafeTensorInfo info in file.Tensors)
                {
                    good.Add(info.Name, info.Shape, file.ReadFloat32(info.Name));
                }

                string goodPath = Path.Combine(dir, "encoder_f32.safetensors");
                good.Write(goodPath);
                using TaesdEncoder loaded = TaesdEncoder.Load(goodPath);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [SharedDataFact("taesd")]
        public void TheOtherHalfOrAMissingFileIsRefusedWithTheReason()
        {
            string decoderFile = TaesdFile(TaesdDecoder.WeightsFileName);
            ModelConfigException e = Assert.Throws<ModelConfigException>(() => TaesdEncoder.Load(decoderFile));
            Assert.Contains(decoderFile, e.Message);
            Assert.Contains("missing", e.Message);
            Assert.Contains("'0.weight'", e.Message); // the encoder's first conv; the decoder starts at index 1
            Assert.Contains(TaesdEncoder.WeightsFileName, e.Message);

            string encoderFile = TaesdFile(TaesdEncoder.WeightsFileName);
            e = Assert.Throws<ModelConfigException>(() => TaesdDecoder.Load(encoderFile));
            Assert.Contains("unexpected", e.Message);
            Assert.Contains(TaesdDecoder.WeightsFileName, e.Message);

            string absent = Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), TaesdEncoder.WeightsFileName);
            e = Assert.Throws<ModelConfigException>(() => TaesdEncoder.Load(absent));
            Assert.Contains(absent, e.Message);
        }
    }
}
