using System;
using System.IO;
using System.Linq;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Tests.Models
{
    public sealed class UNet2DTests
    {
        internal static UNet2DConfig Tiny(PaddingMode padding = PaddingMode.Zeros, int? classes = null, bool attention = true) => new UNet2DConfig
        {
            SampleSize = 16,
            BlockOutChannels = new[] { 16, 32 },
            DownBlockTypes = new[] { "DownBlock2D", attention ? "AttnDownBlock2D" : "DownBlock2D" },
            UpBlockTypes = new[] { attention ? "AttnUpBlock2D" : "UpBlock2D", "UpBlock2D" },
            LayersPerBlock = 1,
            NormNumGroups = 8,
            AttentionHeadDim = 8,
            PaddingMode = padding,
            NumClassEmbeds = classes,
        };

        [Fact]
        public void ForwardKeepsTheSampleShapeAtTrainedAndLargerSizes()
        {
            torch.manual_seed(1);
            using var unet = new UNet2D(Tiny());
            unet.eval();
            using var _ = torch.no_grad();
            foreach (int size in new[] { 16, 32, 8 })
            {
                using Tensor x = torch.randn(2, 3, size, size);
                using Tensor t = torch.tensor(new float[] { 10, 900 });
                using Tensor y = unet.forward(x, t, null);
                Assert.Equal(new long[] { 2, 3, size, size }, y.shape);
                Assert.True(y.isfinite().all().item<bool>());
            }
        }

        [Fact]
        public void ResetParametersDependsOnItsGeneratorAloneWithLibtorchsStartingDistributions()
        {
            UNet2D Reset(long seed)
            {
                // Whatever else draws from libtorch's process-wide generator in between changes nothing.
                torch.manual_seed(seed * 7 + 1);
                using (torch.rand(1000)) { }
                var unet = new UNet2D(Tiny(PaddingMode.Circular, classes: 3));
                using var generator = new torch.Generator((ulong)seed);
                unet.ResetParameters(generator);
                return unet;
            }

            using UNet2D a = Reset(5), b = Reset(5), c = Reset(6);
            var pa = a.named_parameters().ToArray();
            var pb = b.named_parameters().ToArray();
            var pc = c.named_parameters().ToArray();
            for (int i = 0; i < pa.Length; i++)
            {
                Assert.True(pa[i].parameter.eq(pb[i].parameter).all().item<bool>(), pa[i].name + " differs for the same seed");
            }

            Assert.Contains(Enumerable.Range(0, pa.Length), i => !pa[i].parameter.eq(pc[i].parameter).all().item<bool>());
            foreach ((string name, TorchSharp.Modules.Parameter p) in pa)
            {
                float largest = p.abs().max().item<float>();
                if (name.EndsWith("conv_in.weight", StringComparison.Ordinal))
                {
                    Assert.InRange(largest, 0.5f / MathF.Sqrt(p.shape[1] * 9), 1f / MathF.Sqrt(p.shape[1] * 9));
                }
                else if (name.Contains("norm", StringComparison.Ordinal))
                {
                    Assert.Equal(name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f, largest);
                }
            }
        }

        [Fact]
        public void ParameterNamesAreDiffusersNames()
        {
            using var unet = new UNet2D(Tiny(classes: 3));
            string[] names = unet.named_parameters().Select(p => p.name).ToArray();
            string[] expected =
            {
                "conv_in.weight", "time_embedding.linear_1.weight", "time_embedding.linear_2.bias", "class_embedding.weight",
                "down_blocks.0.resnets.0.norm1.weight", "down_blocks.0.resnets.0.conv1.weight", "down_blocks.0.resnets.0.time_emb_proj.weight",
                "down_blocks.0.downsamplers.0.conv.weight", "down_blocks.1.resnets.0.conv_shortcut.weight",
                "down_blocks.1.attentions.0.group_norm.weight", "down_blocks.1.attentions.0.to_q.weight", "down_blocks.1.attentions.0.to_out.0.weight",
                "mid_block.resnets.0.conv1.weight", "mid_block.attentions.0.to_k.bias", "mid_block.resnets.1.conv2.bias",
                "up_blocks.0.resnets.1.conv_shortcut.weight", "up_blocks.0.attentions.1.to_v.weight", "up_blocks.0.upsamplers.0.conv.weight",
                "up_blocks.1.resnets.1.norm2.bias", "conv_norm_out.weight", "conv_out.bias",
            };
            foreach (string name in expected)
            {
                Assert.Contains(name, names);
            }

            Assert.DoesNotContain(names, n => n.StartsWith("down_blocks.1.downsamplers", StringComparison.Ordinal));
            Assert.DoesNotContain(names, n => n.StartsWith("up_blocks.1.upsamplers", StringComparison.Ordinal));
        }

        [Fact]
        public void GroupNormsStartAtWeightOneAndBiasZero()
        {
            // TorchSharp 0.107 leaves GroupNorm weight/bias uninitialised; a regression here silently ruins training.
            using var unet = new UNet2D(Tiny());
            var norms = unet.named_parameters().Where(p => p.name.Contains("norm", StringComparison.Ordinal)).ToArray();
            Assert.NotEmpty(norms);
            foreach ((string name, var parameter) in norms)
            {
                float expected = name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f;
                float[] values = parameter.data<float>().ToArray();
                Assert.True(values.All(v => v == expected), $"{name} starts at {values.Average()} instead of {expected}");
            }
        }

        [Fact]
        public void CircularModelCommutesWithWholeStrideRolls()
        {
            // On a torus every layer commutes with translation by multiples of the total stride, so rolling the input
            // rolls the output: the proof that the model's outputs wrap around and tile.
            torch.manual_seed(2);
            using var unet = new UNet2D(Tiny(PaddingMode.Circular));
            unet.eval();
            using var _ = torch.no_grad();
            using Tensor x = torch.randn(1, 3, 16, 16);
            using Tensor t = torch.tensor(new float[] { 500 });
            using Tensor y = unet.forward(x, t, null);
            using Tensor rolledInput = x.roll(new long[] { 6, -4 }, new long[] { 2, 3 });
            using Tensor yRolled = unet.forward(rolledInput, t, null);
            using Tensor expected = y.roll(new long[] { 6, -4 }, new long[] { 2, 3 });
            Assert.True((yRolled - expected).abs().max().item<float>() < 1e-4f);

            // A zero-padded model does not commute: the check above can fail.
            using var zeros = new UNet2D(Tiny(PaddingMode.Zeros));
            zeros.eval();
            using Tensor z = zeros.forward(x, t, null).roll(new long[] { 6, -4 }, new long[] { 2, 3 });
            using Tensor zRolled = zeros.forward(rolledInput, t, null);
            Assert.True((zRolled - z).abs().max().item<float>() > 1e-3f);
        }

        [Fact]
        public void ClassLabelsChangeTheOutputAndAreRequired()
        {
            torch.manual_seed(3);
            using var unet = new UNet2D(Tiny(classes: 3));
            unet.eval();
            using var _ = torch.no_grad();
            using Tensor x = torch.randn(1, 3, 16, 16);
            using Tensor t = torch.tensor(new float[] { 300 });
            using Tensor a = unet.forward(x, t, torch.tensor(new long[] { 0 }));
            using Tensor b = unet.forward(x, t, torch.tensor(new long[] { 2 }));
            Assert.True((a - b).abs().max().item<float>() > 1e-5f);
            Assert.Throws<ArgumentException>(() => unet.forward(x, t, null));
        }

        [Theory]
        [InlineData(SafeTensorDType.Float32, 0.0)]
        [InlineData(SafeTensorDType.Float16, 2e-3)]
        [InlineData(SafeTensorDType.BFloat16, 2e-2)]
        public void SaveAndLoadRoundTripTheWeights(SafeTensorDType dtype, double tolerance)
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-unet-" + Guid.NewGuid().ToString("N"));
            try
            {
                torch.manual_seed(4);
                using var unet = new UNet2D(Tiny(PaddingMode.Circular, classes: 2));
                unet.Save(folder, dtype);
                using var loaded = UNet2D.Load(folder);
                Assert.Equal(PaddingMode.Circular, loaded.Config.PaddingMode);
                Assert.Equal(2, loaded.Config.NumClassEmbeds);
                var original = unet.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach ((string name, var parameter) in loaded.named_parameters())
                {
                    float error = (parameter - original[name]).abs().max().item<float>();
                    float scale = original[name].abs().max().item<float>();
                    Assert.True(error <= tolerance * Math.Max(scale, 1e-3), $"{name}: error {error} with {dtype}");
                }
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }

        [Fact]
        public void MismatchedWeightsNameTheTensorAndFile()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-unet-" + Guid.NewGuid().ToString("N"));
            try
            {
                using (var unet = new UNet2D(Tiny()))
                {
                    unet.Save(folder);
                }

                // Same weights, config now asks for a class embedding that the file does not have.
                UNet2DConfig changed = Tiny(classes: 4);
                changed.Save(Path.Combine(folder, "config.json"));
                var error = Assert.Throws<ModelConfigException>(() => UNet2D.Load(folder));
                Assert.Contains("class_embedding.weight", error.Message);
                Assert.Contains(UNet2D.WeightsFileName, error.Message);

                File.Delete(Path.Combine(folder, UNet2D.WeightsFileName));
                error = Assert.Throws<ModelConfigException>(() => UNet2D.Load(folder));
                Assert.Contains("not found", error.Message);
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
