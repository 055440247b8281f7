using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace LiveDiffusion.Editor.Tests.Onnx
{
    /// <summary>Exported UNets against the TorchSharp network they came from: same weights, same inputs, max abs error ≤ 1e-4.</summary>
    public sealed class UNet2DOnnxExporterTests : IDisposable
    {
        private const float Tolerance = 1e-4f;
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-onnx-export-" + Guid.NewGuid().ToString("N"));

        public static TheoryData<string> Variants => new TheoryData<string> { "attention", "circular-classes", "no-attention-centered", "three-levels-circular" };

        private static UNet2DConfig Config(string variant) => variant switch
        {
            "attention" => new UNet2DConfig
            {
                SampleSize = 16, BlockOutChannels = new[] { 16, 32 }, LayersPerBlock = 1, NormNumGroups = 8, AttentionHeadDim = 8,
                DownBlockTypes = new[] { "DownBlock2D", "AttnDownBlock2D" }, UpBlockTypes = new[] { "AttnUpBlock2D", "UpBlock2D" },
            },
            "circular-classes" => new UNet2DConfig
            {
                SampleSize = 16, BlockOutChannels = new[] { 16, 32 }, LayersPerBlock = 1, NormNumGroups = 8, AttentionHeadDim = 16,
                DownBlockTypes = new[] { "AttnDownBlock2D", "AttnDownBlock2D" }, UpBlockTypes = new[] { "AttnUpBlock2D", "AttnUpBlock2D" },
                PaddingMode = PaddingMode.Circular, NumClassEmbeds = 3,
            },
            "no-attention-centered" => new UNet2DConfig
            {
                SampleSize = 16, InChannels = 4, OutChannels = 4, BlockOutChannels = new[] { 16, 16 }, LayersPerBlock = 2, NormNumGroups = 4,
                DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" }, UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" },
                AddAttention = false, CenterInputSample = true, FlipSinToCos = false, FreqShift = 1,
            },
            "three-levels-circular" => new UNet2DConfig
            {
                SampleSize = 16, BlockOutChannels = new[] { 16, 32, 32 }, LayersPerBlock = 2, NormNumGroups = 8, AttentionHeadDim = 8,
                DownBlockTypes = new[] { "DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D" }, UpBlockTypes = new[] { "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D" },
                PaddingMode = PaddingMode.Circular, NumClassEmbeds = 3,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(variant)),
        };

        [Theory]
        [MemberData(nameof(Variants))]
        public void ExportedUNetMatchesTorch(string variant)
        {
            UNet2DConfig config = Config(variant);
            torch.manual_seed(11);
            using var unet = new UNet2D(config);
            Perturb(unet);
            unet.eval();
            string unetFolder = Path.Combine(_folder, variant);
            unet.Save(unetFolder);

            OnnxGraphBuilder graph = UNet2DOnnxExporter.Build(config, SafeTensorsFile.Read(Path.Combine(unetFolder, UNet2D.WeightsFileName)));
            using var session = new InferenceSession(graph.ToBytes());

            // The trained size and a larger one: spatial dimensions are dynamic.
            foreach (int size in new[] { 16, 32 })
            {
                using Tensor sample = torch.randn(2, config.InChannels, size, size);
                float[] timesteps = { 17f, 903f };
                long[]? labels = config.NumClassEmbeds.HasValue ? new long[] { 0, 2 } : null;
                float[] expected;
                using (torch.no_grad())
                using (Tensor t = torch.tensor(timesteps))
                using (Tensor? c = labels == null ? null : torch.tensor(labels))
                using (Tensor y = unet.forward(sample, t, c))
                {
                    expected = y.data<float>().ToArray();
                }

                var inputs = new List<NamedOnnxValue>
                {
                    NamedOnnxValue.CreateFromTensor("sample", new DenseTensor<float>(sample.data<float>().ToArray(), new[] { 2, config.InChannels, size, size }, false)),
                    NamedOnnxValue.CreateFromTensor("timestep", new DenseTensor<float>(timesteps, new[] { 2 })),
                };
                if (labels != null)
                {
                    inputs.Add(NamedOnnxValue.CreateFromTensor("class_labels", new DenseTensor<long>(labels, new[] { 2 })));
                }

                using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
                float[] actual = results.Single(r => r.Name == "out_sample").AsTensor<float>().ToArray();
                Assert.Equal(expected.Length, actual.Length);
                float maxError = expected.Zip(actual, (a, b) => MathF.Abs(a - b)).Max();
                float scale = expected.Max(MathF.Abs);
                Assert.True(scale > 0.1f, $"{variant}: the reference output is degenerate (max |y| = {scale})");
                Assert.True(maxError <= Tolerance, $"{variant} at {size}x{size}: max abs error {maxError:E2} > {Tolerance:E0} (max |y| = {scale:F3})");
            }
        }

        [Fact]
        public void TheExporterReadsTheWeightsFileTheTorchNetworkWrites() =>
            Assert.Equal(UNet2D.WeightsFileName, UNet2DOnnxExporter.WeightsFileName);

        [Fact]
        public void ExportRefusesWeightsThatDoNotMatchTheConfig()
        {
            UNet2DConfig config = Config("attention");
            using var unet = new UNet2D(config);
            string unetFolder = Path.Combine(_folder, "mismatch");
            unet.Save(unetFolder);
            var other = new UNet2DConfig
            {
                SampleSize = 16, BlockOutChannels = new[] { 16, 32 }, LayersPerBlock = 1, NormNumGroups = 8, AttentionHeadDim = 8,
                DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" }, UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" },
            };
            var error = Assert.Throws<ModelConfigException>(() => UNet2DOnnxExporter.Build(other, SafeTensorsFile.Read(Path.Combine(unetFolder, UNet2D.WeightsFileName))));
            Assert.Contains("attentions", error.Message, StringComparison.Ordinal);
        }

        private static void Perturb(UNet2D unet)
        {
            // Fresh GroupNorms are exactly 1/0; move every parameter so the affine parts are exercised too.
            using var _ = torch.no_grad();
            foreach ((string _, var parameter) in unet.named_parameters())
            {
                using Tensor noise = torch.randn_like(parameter).Times(0.05);
                parameter.PlusInPlace(noise);
            }
        }

        public void Dispose()
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }
}
