using System;
using LiveDiffusion.Editor.Onnx;
using Xunit;

namespace LiveDiffusion.Onnx.Tests.Pipelines
{
    /// <summary>The VAE encoder reads what the export gives: float or float16 values, a sample or mean and log-variance.</summary>
    public sealed class OnnxVaeEncoderTests
    {
        private static byte[] Encoder(bool float16, bool meanAndLogVariance)
        {
            var g = new OnnxGraphBuilder("vae_encoder");
            OnnxElementType type = float16 ? OnnxElementType.Float16 : OnnxElementType.Float;
            string image = g.Input("sample", type, "batch", 3, "height", "width");
            if (float16)
            {
                image = g.Node("Cast", new[] { image }, OnnxAttribute.Int("to", (long)OnnxElementType.Float));
            }

            int channels = meanAndLogVariance ? 8 : 4;
            var weights = new float[channels * 3];
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)Math.Sin(i + 1);
            }

            string pooled = g.Node("AveragePool", new[] { image }, OnnxAttribute.Ints("kernel_shape", 8, 8), OnnxAttribute.Ints("strides", 8, 8));
            string latents = g.Node("Conv", new[] { pooled, g.Weight("proj", weights, channels, 3, 1, 1) });
            if (float16)
            {
                latents = g.Node("Cast", new[] { latents }, OnnxAttribute.Int("to", (long)OnnxElementType.Float16));
            }

            g.Output(latents, meanAndLogVariance ? "latent_parameters" : "latent_sample", type, "batch", channels, "latent_height", "latent_width");
            return g.ToBytes();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void AFloat16ExportEncodesAsItsFloatTwinToHalfPrecision(bool meanAndLogVariance)
        {
            var image = new TensorBuffer(2, 3, 32, 32);
            new NoiseGenerator(8).FillGaussian(image);
            var full = new TensorBuffer(2, 4, 4, 4);
            var half = new TensorBuffer(2, 4, 4, 4);
            using (var encoder = new OnnxVaeEncoder(OnnxModel.FromBytes(Encoder(false, meanAndLogVariance), "fp32")))
            {
                encoder.Encode(image, full);
            }

            using (var encoder = new OnnxVaeEncoder(OnnxModel.FromBytes(Encoder(true, meanAndLogVariance), "fp16")))
            {
                encoder.Encode(image, half);
            }

            double largest = 0, worst = 0;
            for (int i = 0; i < full.Span.Length; i++)
            {
                largest = Math.Max(largest, Math.Abs(full.Span[i]));
                worst = Math.Max(worst, Math.Abs(full.Span[i] - half.Span[i]));
            }

            Assert.True(largest > 0.05, "the encoder gave (near) zeros: the comparison would say nothing");
            // float16 keeps 11 significant bits: the input and the output are each rounded once (relative 2^-11).
            Assert.True(worst <= 2 * largest * Math.Pow(2, -11) + 1e-6, $"max difference {worst} for values up to {largest}");
        }
    }
}
