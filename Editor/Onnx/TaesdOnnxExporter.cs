using System.Globalization;
using LiveDiffusion.IO;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>
    /// Exports TAESD (the tiny SD 1.x autoencoder, MIT) from its pretrained safetensors to ONNX, so engines can
    /// decode SD latents for live previews through ONNX Runtime. The graphs mirror the TorchSharp
    /// <c>TaesdEncoder</c>/<c>TaesdDecoder</c> layer by layer (layer indices are the parameter names).
    /// </summary>
    /// <remarks>
    /// Encoder: <c>sample</c> float [batch, 3, height, width] in [0, 1] → <c>latent_sample</c> [batch, 4, height/8, width/8].
    /// Decoder: <c>latent_sample</c> float [batch, 4, height, width] → <c>sample</c> [batch, 3, 8·height, 8·width],
    /// nominally [0, 1] (unclamped, as the network computes it). Dynamic batch and size; opset 17.
    /// </remarks>
    public static class TaesdOnnxExporter
    {
        private const long Width = 64;
        private const long LatentChannels = 4;

        /// <summary>Builds the encoder graph from <c>taesd_encoder.safetensors</c>.</summary>
        /// <exception cref="ModelConfigException">A weight is missing, extra or the wrong shape.</exception>
        public static OnnxGraphBuilder BuildEncoder(SafeTensorsFile weights)
        {
            var graph = new OnnxGraphBuilder("taesd_encoder");
            var source = new OnnxWeightSource(weights, "TAESD encoder");
            var layers = new OnnxLayers(graph, source);
            string x = graph.Input("sample", OnnxElementType.Float, "batch", 3, "height", "width");
            x = layers.Conv(x, "0", 3, Width, 3, PaddingMode.Zeros);
            x = Block(layers, x, 1);
            int index = 2;
            for (int stage = 0; stage < 3; stage++)
            {
                x = layers.Conv(x, Name(index++), Width, Width, 3, PaddingMode.Zeros, stride: 2, bias: false);
                for (int b = 0; b < 3; b++)
                {
                    x = Block(layers, x, index++);
                }
            }

            x = layers.Conv(x, Name(index), Width, LatentChannels, 3, PaddingMode.Zeros);
            graph.Output(x, "latent_sample", OnnxElementType.Float, "batch", LatentChannels, "latent_height", "latent_width");
            source.CheckAllUsed();
            graph.Description = "TAESD encoder (SD 1.x latents)";
            return graph;
        }

        /// <summary>Builds the decoder graph from <c>taesd_decoder.safetensors</c>.</summary>
        /// <exception cref="ModelConfigException">A weight is missing, extra or the wrong shape.</exception>
        public static OnnxGraphBuilder BuildDecoder(SafeTensorsFile weights)
        {
            var graph = new OnnxGraphBuilder("taesd_decoder");
            var source = new OnnxWeightSource(weights, "TAESD decoder");
            var layers = new OnnxLayers(graph, source);
            string x = graph.Input("latent_sample", OnnxElementType.Float, "batch", LatentChannels, "latent_height", "latent_width");
            string three = graph.Scalar(3f);
            x = graph.Node("Mul", new[] { graph.Node("Tanh", new[] { graph.Node("Div", new[] { x, three }) }), three });
            x = graph.Node("Relu", new[] { layers.Conv(x, "1", LatentChannels, Width, 3, PaddingMode.Zeros) });
            for (int b = 3; b <= 5; b++)
            {
                x = Block(layers, x, b);
            }

            int index = 6;
            foreach (int blocks in new[] { 3, 3, 1 })
            {
                index++; // the parameterless upsampling layer
                x = layers.Conv(layers.Upsample2x(x), Name(index++), Width, Width, 3, PaddingMode.Zeros, bias: false);
                for (int b = 0; b < blocks; b++)
                {
                    x = Block(layers, x, index++);
                }
            }

            x = layers.Conv(x, Name(index), Width, 3, 3, PaddingMode.Zeros);
            graph.Output(x, "sample", OnnxElementType.Float, "batch", 3, "height", "width");
            source.CheckAllUsed();
            graph.Description = "TAESD decoder (SD 1.x latents)";
            return graph;
        }

        private static string Block(OnnxLayers layers, string input, int index)
        {
            string prefix = Name(index) + ".conv.";
            string h = layers.Graph.Node("Relu", new[] { layers.Conv(input, prefix + "0", Width, Width, 3, PaddingMode.Zeros) });
            h = layers.Graph.Node("Relu", new[] { layers.Conv(h, prefix + "2", Width, Width, 3, PaddingMode.Zeros) });
            h = layers.Conv(h, prefix + "4", Width, Width, 3, PaddingMode.Zeros);
            return layers.Graph.Node("Relu", new[] { layers.Graph.Node("Add", new[] { h, input }) });
        }

        private static string Name(int index) => index.ToString(CultureInfo.InvariantCulture);
    }
}
