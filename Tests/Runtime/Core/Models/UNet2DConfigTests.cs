using System.Linq;
using LiveDiffusion.Models;
using Xunit;

namespace LiveDiffusion.Tests.Models
{
    public sealed class UNet2DConfigTests
    {
        [Fact]
        public void RoundTripsThroughDiffusersJson()
        {
            var config = new UNet2DConfig
            {
                SampleSize = 32,
                BlockOutChannels = new[] { 64, 128, 128 },
                DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D", "AttnDownBlock2D" },
                UpBlockTypes = new[] { "AttnUpBlock2D", "UpBlock2D", "UpBlock2D" },
                LayersPerBlock = 1,
                AttentionHeadDim = 32,
                PaddingMode = PaddingMode.Circular,
                NumClassEmbeds = 3,
                ClassNames = new[] { "floor", "wall" },
            };
            UNet2DConfig back = UNet2DConfig.Parse(config.ToJson());
            Assert.Equal(config.ToJson(), back.ToJson());
            Assert.Equal(2, back.UnconditionalClass);
            Assert.Equal(1, back.ClassIndex("WALL"));
            Assert.Equal(4, back.SizeMultiple);
            Assert.Contains("\"_class_name\": \"UNet2DModel\"", config.ToJson());
        }

        [Fact]
        public void ReadsADiffusersUNet2DModelConfigWithDefaults()
        {
            // Keys as diffusers writes them for UNet2DModel (google/ddpm-cifar10-32 style).
            const string json = "{\"_class_name\": \"UNet2DModel\", \"act_fn\": \"silu\", \"attention_head_dim\": null, \"block_out_channels\": [128, 256, 256, 256], \"center_input_sample\": false, \"down_block_types\": [\"DownBlock2D\", \"AttnDownBlock2D\", \"DownBlock2D\", \"DownBlock2D\"], \"downsample_padding\": 0.0, \"flip_sin_to_cos\": false, \"freq_shift\": 1, \"in_channels\": 3, \"layers_per_block\": 2, \"mid_block_scale_factor\": 1, \"norm_eps\": 1e-06, \"norm_num_groups\": 32, \"out_channels\": 3, \"sample_size\": 32, \"time_embedding_type\": \"positional\", \"up_block_types\": [\"UpBlock2D\", \"UpBlock2D\", \"AttnUpBlock2D\", \"UpBlock2D\"]}";
            var error = Assert.Throws<ModelConfigException>(() => UNet2DConfig.Parse(json, "ddpm/unet/config.json"));
            Assert.Contains("ddpm/unet/config.json", error.Message);
            Assert.Contains("downsample_padding", error.Message);

            UNet2DConfig config = UNet2DConfig.Parse(json.Replace("\"downsample_padding\": 0.0", "\"downsample_padding\": 1"));
            Assert.False(config.FlipSinToCos);
            Assert.Equal(1, config.FreqShift);
            Assert.Equal(1e-6, config.NormEps);
            Assert.Equal(PaddingMode.Zeros, config.PaddingMode);
            Assert.False(config.IsClassConditional);
        }

        [Theory]
        [InlineData("\"block_out_channels\": [64, 100]", "block_out_channels")]
        [InlineData("\"down_block_types\": [\"CrossAttnDownBlock2D\", \"DownBlock2D\"]", "CrossAttnDownBlock2D")]
        [InlineData("\"padding_mode\": \"reflect\"", "padding_mode")]
        [InlineData("\"sample_size\": 31", "sample_size")]
        [InlineData("\"norm_num_groups\": 8, \"norm_num_groups\": 16", "once")]
        [InlineData("\"layers_per_block\": \"two\"", "layers_per_block")]
        public void BadValuesNameTheKey(string entry, string expected)
        {
            string key = entry.Substring(0, entry.IndexOf(':'));
            string json = "{" + string.Join(", ", new[]
            {
                "\"block_out_channels\": [64, 128]",
                "\"down_block_types\": [\"DownBlock2D\", \"DownBlock2D\"]",
                "\"up_block_types\": [\"UpBlock2D\", \"UpBlock2D\"]",
            }.Where(e => !e.StartsWith(key, System.StringComparison.Ordinal)).Append(entry)) + "}";
            var error = Assert.Throws<ModelConfigException>(() => UNet2DConfig.Parse(json, "my/unet/config.json"));
            Assert.Contains(expected, error.Message);
            Assert.Contains("my/unet/config.json", error.Message);
        }
    }
}
