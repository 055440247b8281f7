using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.IO;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>
    /// Exports a <c>UNet2DModel</c>-style network (the one the trainer makes) to ONNX from its
    /// <c>unet/config.json</c> and safetensors weights, with no libtorch involved. Every configuration exports:
    /// attention at any level, class embedding, and circular padding (written as explicit wrap-around before each
    /// convolution, so exported models stay tileable).
    /// </summary>
    /// <remarks>
    /// Graph signature (diffusers' ONNX names): <c>sample</c> float [batch, in_channels, height, width];
    /// <c>timestep</c> float [batch]; <c>class_labels</c> int64 [batch] only for class-conditional models; output
    /// <c>out_sample</c> float [batch, out_channels, height, width]. Batch, height and width are dynamic (height and
    /// width must be multiples of 2^(levels-1), as for the Torch network). Opset 17.
    /// </remarks>
    public static class UNet2DOnnxExporter
    {
        /// <summary>The model file name inside a model's <c>unet/</c> folder.</summary>
        public const string FileName = ModelFolder.OnnxFileName;

        /// <summary>The weights file the exporter reads from a model's <c>unet/</c> folder (diffusers' name, as training writes it).</summary>
        public const string WeightsFileName = ModelFolder.WeightsFileName;

        /// <summary>Builds the graph for <paramref name="config"/> with the weights in <paramref name="weights"/>.</summary>
        /// <exception cref="ModelConfigException">A weight is missing, extra or the wrong shape (the message names it and the file).</exception>
        public static OnnxGraphBuilder Build(UNet2DConfig config, SafeTensorsFile weights)
        {
            config.Validate();
            var graph = new OnnxGraphBuilder("unet");
            var source = new OnnxWeightSource(weights, "UNet in unet/config.json");
            var layers = new OnnxLayers(graph, source);
            long ch0 = config.BlockOutChannels[0];
            long temb = config.TimeEmbedDim;
            if (ch0 % 2 != 0)
            {
                throw new ModelConfigException($"block_out_channels[0] is {ch0}; the exporter needs an even time-embedding width.");
            }

            string sample = graph.Input("sample", OnnxElementType.Float, "batch", config.InChannels, "height", "width");
            string timestep = graph.Input("timestep", OnnxElementType.Float, "batch");
            string? classLabels = config.NumClassEmbeds.HasValue ? graph.Input("class_labels", OnnxElementType.Int64, "batch") : null;

            string x = config.CenterInputSample
                ? graph.Node("Sub", new[] { graph.Node("Mul", new[] { sample, graph.Scalar(2f) }), graph.Scalar(1f) })
                : sample;

            // Time embedding: sinusoids of t at frequencies exp(-ln(10000)·i/(half - shift)), then linear, SiLU, linear.
            long half = ch0 / 2;
            float[] frequencies = new float[half];
            for (int i = 0; i < half; i++)
            {
                frequencies[i] = MathF.Exp(i * (float)(-Math.Log(10000.0) / (half - config.FreqShift)));
            }

            string args = graph.Node("Mul", new[] { graph.Node("Unsqueeze", new[] { timestep, graph.Int64s(1) }), graph.Weight("time_proj.frequencies", frequencies, 1, half) });
            string cos = graph.Node("Cos", new[] { args });
            string sin = graph.Node("Sin", new[] { args });
            string emb = graph.Node("Concat", config.FlipSinToCos ? new[] { cos, sin } : new[] { sin, cos }, OnnxAttribute.Int("axis", 1));
            emb = layers.Linear2D(layers.Silu(layers.Linear2D(emb, "time_embedding.linear_1", ch0, temb)), "time_embedding.linear_2", temb, temb);
            if (classLabels != null)
            {
                string table = source.Add(graph, "class_embedding.weight", config.NumClassEmbeds!.Value, temb);
                emb = graph.Node("Add", new[] { emb, graph.Node("Gather", new[] { table, classLabels }, OnnxAttribute.Int("axis", 0)) });
            }

            // Every residual block projects SiLU(emb); compute it once.
            string embActivated = layers.Silu(emb);
            var blocks = new BlockWriter(layers, config, embActivated, temb);

            x = layers.Conv(x, "conv_in", config.InChannels, ch0, 3, config.PaddingMode);
            var skips = new List<string> { x };
            int levels = config.BlockOutChannels.Count;
            long output = ch0;
            for (int i = 0; i < levels; i++)
            {
                long input = output;
                output = config.BlockOutChannels[i];
                bool attention = config.DownBlockTypes[i] == "AttnDownBlock2D";
                for (int j = 0; j < config.LayersPerBlock; j++)
                {
                    x = blocks.Resnet(x, $"down_blocks.{i}.resnets.{j}", j == 0 ? input : output, output);
                    if (attention)
                    {
                        x = blocks.Attention(x, $"down_blocks.{i}.attentions.{j}", output);
                    }

                    skips.Add(x);
                }

                if (i < levels - 1)
                {
                    x = layers.Conv(x, $"down_blocks.{i}.downsamplers.0.conv", output, output, 3, config.PaddingMode, stride: 2);
                    skips.Add(x);
                }
            }

            long midChannels = config.BlockOutChannels[levels - 1];
            x = blocks.Resnet(x, "mid_block.resnets.0", midChannels, midChannels);
            if (config.AddAttention)
            {
                x = blocks.Attention(x, "mid_block.attentions.0", midChannels);
            }

            x = blocks.Resnet(x, "mid_block.resnets.1", midChannels, midChannels);

            for (int i = 0; i < levels; i++)
            {
                (long previous, output, long input) = config.UpBlockChannels(i);
                bool attention = config.UpBlockTypes[i] == "AttnUpBlock2D";
                int layersHere = config.LayersPerBlock + 1;
                for (int j = 0; j < layersHere; j++)
                {
                    long skipChannels = j == layersHere - 1 ? input : output;
                    long resnetIn = j == 0 ? previous : output;
                    string skip = skips[skips.Count - 1];
                    skips.RemoveAt(skips.Count - 1);
                    x = graph.Node("Concat", new[] { x, skip }, OnnxAttribute.Int("axis", 1));
                    x = blocks.Resnet(x, $"up_blocks.{i}.resnets.{j}", resnetIn + skipChannels, output);
                    if (attention)
                    {
                        x = blocks.Attention(x, $"up_blocks.{i}.attentions.{j}", output);
                    }
                }

                if (i < levels - 1)
                {
                    x = layers.Conv(layers.Upsample2x(x), $"up_blocks.{i}.upsamplers.0.conv", output, output, 3, config.PaddingMode);
                }
            }

            x = layers.Silu(layers.GroupNorm(x, "conv_norm_out", config.NormNumGroups, ch0, config.NormEps));
            x = layers.Conv(x, "conv_out", ch0, config.OutChannels, 3, config.PaddingMode);
            graph.Output(x, "out_sample", OnnxElementType.Float, "batch", config.OutChannels, "height", "width");
            source.CheckAllUsed();

            graph.Description = $"LiveDiffusion UNet2D ({string.Join("/", config.BlockOutChannels)}, {config.PaddingMode.ToString().ToLowerInvariant()} padding"
                + (config.NumClassEmbeds.HasValue ? $", {config.NumClassEmbeds} class embeddings" : string.Empty) + ")";
            graph.Metadata["livediffusion.unet_config"] = config.ToJson();
            return graph;
        }

        /// <summary>
        /// Builds the graph of the UNet in <paramref name="folder"/> from its <c>unet/config.json</c> and
        /// <c>unet/diffusion_pytorch_model.safetensors</c> (the weights training writes).
        /// </summary>
        /// <exception cref="ModelConfigException">The weights are missing, or do not match the configuration.</exception>
        public static OnnxGraphBuilder Build(ModelFolder folder) => Build(folder.UNet, folder.UNetFolder);

        /// <summary>Builds the graph of the folder's guide UNet (<c>guide_unet/</c>, for autoguidance).</summary>
        /// <exception cref="ModelConfigException">The folder has no guide, or its weights are missing or do not match.</exception>
        public static OnnxGraphBuilder BuildGuide(ModelFolder folder) => Build(
            folder.GuideUNet ?? throw new ModelConfigException($"{folder.Path} has no {ModelFolder.GuideComponent} (model_index.json names none)."),
            folder.GuideUNetFolder);

        /// <summary>
        /// The folder's UNet (or, with <paramref name="guide"/>, its guide UNet) as ONNX bytes, built in memory: the
        /// <c>LiveDiffusion.Onnx.UNetOnnxExport</c> that <c>OnnxTextureGenerator.Load</c> takes.
        /// </summary>
        /// <exception cref="ModelConfigException">The weights are missing, or do not match the configuration.</exception>
        public static byte[] InMemory(ModelFolder folder, bool guide) => (guide ? BuildGuide(folder) : Build(folder)).ToBytes();

        private static OnnxGraphBuilder Build(UNet2DConfig config, string unetFolder)
        {
            string weights = Path.Combine(unetFolder, WeightsFileName);
            if (!File.Exists(weights))
            {
                throw new ModelConfigException($"UNet weights not found: {weights}. Export reads the safetensors weights written beside config.json by training.");
            }

            return Build(config, SafeTensorsFile.Read(weights));
        }

        /// <summary>
        /// Exports the UNet of the model folder <paramref name="modelFolder"/> (diffusers layout, as the trainer writes
        /// it) to <c>unet/model.onnx</c> in the same folder (and its guide UNet, if any, to <c>guide_unet/model.onnx</c>)
        /// and returns the UNet's path.
        /// </summary>
        public static string Export(string modelFolder)
        {
            ModelFolder folder = ModelFolder.Open(modelFolder);
            Build(folder).Save(folder.OnnxPath);
            if (folder.GuideUNet != null)
            {
                BuildGuide(folder).Save(folder.GuideOnnxPath);
            }

            return folder.OnnxPath;
        }

        private sealed class BlockWriter
        {
            private readonly OnnxLayers _layers;
            private readonly UNet2DConfig _config;
            private readonly string _embActivated;
            private readonly long _temb;

            public BlockWriter(OnnxLayers layers, UNet2DConfig config, string embActivated, long temb)
            {
                _layers = layers;
                _config = config;
                _embActivated = embActivated;
                _temb = temb;
            }

            public string Resnet(string x, string prefix, long inChannels, long outChannels)
            {
                OnnxGraphBuilder g = _layers.Graph;
                string h = _layers.Silu(_layers.GroupNorm(x, prefix + ".norm1", _config.NormNumGroups, inChannels, _config.NormEps));
                h = _layers.Conv(h, prefix + ".conv1", inChannels, outChannels, 3, _config.PaddingMode);
                string t = _layers.Linear2D(_embActivated, prefix + ".time_emb_proj", _temb, outChannels);
                h = g.Node("Add", new[] { h, g.Node("Unsqueeze", new[] { t, g.Int64s(2, 3) }) });
                h = _layers.Silu(_layers.GroupNorm(h, prefix + ".norm2", _config.NormNumGroups, outChannels, _config.NormEps));
                h = _layers.Conv(h, prefix + ".conv2", outChannels, outChannels, 3, _config.PaddingMode);
                string shortcut = inChannels == outChannels ? x : _layers.Conv(x, prefix + ".conv_shortcut", inChannels, outChannels, 1, PaddingMode.Zeros);
                return g.Node("Add", new[] { shortcut, h });
            }

            public string Attention(string x, string prefix, long channels) =>
                _layers.Attention(x, prefix, channels, channels / _config.AttentionHeadDim, _config.NormNumGroups, _config.NormEps);
        }
    }
}
