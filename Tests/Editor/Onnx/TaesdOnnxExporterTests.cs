using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.IO;
using LiveDiffusion.Torch.Models;
using LiveDiffusion.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit;
using Tensor = TorchSharp.torch.Tensor;

namespace LiveDiffusion.Editor.Tests.Onnx
{
    /// <summary>The pretrained TAESD exported to ONNX against the TorchSharp networks: max abs error ≤ 1e-4.</summary>
    public sealed class TaesdOnnxExporterTests
    {
        private const float Tolerance = 1e-4f;

        [SharedDataFact("taesd")]
        public void ExportedDecoderMatchesTorch()
        {
            string path = Path.Combine(SharedDataFolder.Require("taesd"), TaesdDecoder.WeightsFileName);
            using TaesdDecoder decoder = TaesdDecoder.Load(path);
            using var session = new InferenceSession(TaesdOnnxExporter.BuildDecoder(SafeTensorsFile.Read(path)).ToBytes());
            torch.manual_seed(5);
            using Tensor latents = torch.randn(2, 4, 8, 12);
            float[] expected;
            using (torch.no_grad())
            using (Tensor y = decoder.forward(latents))
            {
                expected = y.data<float>().ToArray();
            }

            float[] actual = Run(session, "latent_sample", latents, new[] { 2, 4, 8, 12 }, "sample");
            AssertClose(expected, actual, "decoder");
        }

        [SharedDataFact("taesd")]
        public void ExportedEncoderMatchesTorch()
        {
            string path = Path.Combine(SharedDataFolder.Require("taesd"), TaesdEncoder.WeightsFileName);
            using TaesdEncoder encoder = TaesdEncoder.Load(path);
            using var session = new InferenceSession(TaesdOnnxExporter.BuildEncoder(SafeTensorsFile.Read(path)).ToBytes());
            torch.manual_seed(6);
            using Tensor images = torch.rand(2, 3, 64, 48);
            float[] expected;
            using (torch.no_grad())
            using (Tensor y = encoder.forward(images))
            {
                expected = y.data<float>().ToArray();
            }

            float[] actual = Run(session, "sample", images, new[] { 2, 3, 64, 48 }, "latent_sample");
            AssertClose(expected, actual, "encoder");
        }

        [SharedDataFact("taesd")]
        public void TheEncoderFileIsRefusedAsADecoder()
        {
            string path = Path.Combine(SharedDataFolder.Require("taesd"), TaesdEncoder.WeightsFileName);
            var error = Assert.Throws<LiveDiffusion.Models.ModelConfigException>(() => TaesdOnnxExporter.BuildDecoder(SafeTensorsFile.Read(path)));
            Assert.Contains(TaesdEncoder.WeightsFileName, error.Message, StringComparison.Ordinal);
        }

        private static float[] Run(InferenceSession session, string inputName, Tensor input, int[] shape, string outputName)
        {
            var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input.data<float>().ToArray(), shape, false)) };
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
            return results.Single(r => r.Name == outputName).AsTensor<float>().ToArray();
        }

        private static void AssertClose(float[] expected, float[] actual, string what)
        {
            Assert.Equal(expected.Length, actual.Length);
            float maxError = expected.Zip(actual, (a, b) => MathF.Abs(a - b)).Max();
            Assert.True(expected.Max(MathF.Abs) > 0.1f, $"{what}: degenerate reference output");
            Assert.True(maxError <= Tolerance, $"TAESD {what}: max abs error {maxError:E2} > {Tolerance:E0}");
        }
    }
}
