using System;
using System.IO;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.Tests;

namespace LiveDiffusion.Onnx.Tests.Fixtures
{
    /// <summary>The kind of UNet a tiny Stable Diffusion fixture folder holds.</summary>
    public enum TinyUNetKind
    {
        /// <summary>4 input channels (text-to-image, image-to-image, blended inpainting).</summary>
        TextToImage,

        /// <summary>9 input channels: latents, mask, masked-image latents.</summary>
        Inpainting,

        /// <summary>5 input channels: latents, depth.</summary>
        Depth,
    }

    /// <summary>
    /// Writes a Stable Diffusion ONNX folder with tiny random-weight models that have the real I/O signatures (names,
    /// ranks, element types) of diffusers and Optimum exports, beside the real JSON configs and the real CLIP
    /// tokenizer from the shared data. The two export eras differ the way real ones do: diffusers 0.24 style (int32
    /// input_ids, float timestep [batch], vae_encoder → latent_sample, UNet weights in an external data file) and
    /// Optimum/older style (int64 input_ids, int64 scalar timestep, vae_encoder → latent_parameters with mean and
    /// log-variance).
    /// </summary>
    public static class TinyStableDiffusion
    {
        /// <summary>Hidden size of the tiny text encoder.</summary>
        public const int TextWidth = 16;

        private const int Tokens = 77;
        private const int Vocabulary = 49408;
        private const int Hidden = 8;

        /// <summary>Creates the folder under <paramref name="root"/> (needs the shared data: use it from SharedDataFact tests).</summary>
        public static string Create(string root, TinyUNetKind kind, bool optimumStyle = false)
        {
            string configs = SharedData.PathOf("sd-onnx-configs", kind == TinyUNetKind.Inpainting ? "sd15-inpainting-diffusers-0.6" : "sd15-txt2img-diffusers-0.24");
            string clip = SharedData.PathOf("clip");
            string folder = Path.Combine(root, $"tiny-sd-{kind.ToString().ToLowerInvariant()}{(optimumStyle ? "-optimum" : string.Empty)}");
            foreach (string file in Directory.GetFiles(configs, "*.json", SearchOption.AllDirectories))
            {
                string target = Path.Combine(folder, Path.GetRelativePath(configs, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }

            File.Copy(Path.Combine(clip, "vocab.json"), Path.Combine(folder, "tokenizer", "vocab.json"), overwrite: true);
            File.Copy(Path.Combine(clip, "merges.txt"), Path.Combine(folder, "tokenizer", "merges.txt"), overwrite: true);
            if (kind != TinyUNetKind.Inpainting && File.Exists(Path.Combine(folder, "unet", "config.json")))
            {
                File.Delete(Path.Combine(folder, "unet", "config.json"));
            }

            var random = new Random(kind.GetHashCode() * 31 + (optimumStyle ? 1 : 0));
            TextEncoder(random, optimumStyle).Save(Path.Combine(folder, "text_encoder", "model.onnx"));
            int inChannels = kind switch { TinyUNetKind.Inpainting => 9, TinyUNetKind.Depth => 5, _ => 4 };
            UNet(random, inChannels, optimumStyle).Save(Path.Combine(folder, "unet", "model.onnx"), optimumStyle ? null : "weights.pb");
            VaeDecoder(random).Save(Path.Combine(folder, "vae_decoder", "model.onnx"));
            VaeEncoder(random, optimumStyle).Save(Path.Combine(folder, "vae_encoder", "model.onnx"));
            return folder;
        }

        /// <summary>Replaces the folder's text encoder with one whose embeddings are <paramref name="width"/> wide (for mismatch tests).</summary>
        public static void WriteTextEncoder(string folder, int width) =>
            TextEncoder(new Random(width), int64Ids: false, width).Save(Path.Combine(folder, "text_encoder", "model.onnx"));

        private static OnnxGraphBuilder TextEncoder(Random random, bool int64Ids, int width = TextWidth)
        {
            var g = new OnnxGraphBuilder("text_encoder");
            string ids = g.Input("input_ids", int64Ids ? OnnxElementType.Int64 : OnnxElementType.Int32, "batch", "sequence");
            string table = g.Weight("token_embedding", Random(random, Vocabulary * width, 0.5f), Vocabulary, width);
            string positions = g.Weight("position_embedding", Random(random, Tokens * width, 0.1f), Tokens, width);
            string embedded = g.Node("Gather", new[] { table, ids }, OnnxAttribute.Int("axis", 0));
            string hidden = g.Node("Tanh", new[] { g.Node("Add", new[] { embedded, positions }) });
            g.Output(hidden, "last_hidden_state", OnnxElementType.Float, "batch", "sequence", width);
            g.Output(g.Node("ReduceMean", new[] { hidden }, OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0)), "pooler_output", OnnxElementType.Float, "batch", width);
            return g;
        }

        private static OnnxGraphBuilder UNet(Random random, int inChannels, bool scalarInt64Timestep)
        {
            var g = new OnnxGraphBuilder("unet");
            string sample = g.Input("sample", OnnxElementType.Float, "batch", inChannels, "height", "width");
            string timestep = scalarInt64Timestep
                ? g.Input("timestep", OnnxElementType.Int64)
                : g.Input("timestep", OnnxElementType.Float, "batch");
            string text = g.Input("encoder_hidden_states", OnnxElementType.Float, "batch", "sequence", TextWidth);

            string h = Conv(g, random, sample, inChannels, Hidden, 3);
            string t = g.Node("Cast", new[] { timestep }, OnnxAttribute.Int("to", (long)OnnxElementType.Float));
            string frequencies = g.Weight("time_frequencies", Random(random, Hidden, 0.01f), Hidden);
            string timeEmbedding = scalarInt64Timestep
                ? g.Node("Reshape", new[] { g.Node("Sin", new[] { g.Node("Mul", new[] { t, frequencies }) }), g.Int64s(1, Hidden, 1, 1) })
                : g.Node("Unsqueeze", new[] { g.Node("Sin", new[] { g.Node("Mul", new[] { g.Node("Unsqueeze", new[] { t, g.Int64s(1) }), frequencies }) }), g.Int64s(2, 3) });
            string pooled = g.Node("ReduceMean", new[] { text }, OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
            string textProjection = g.Weight("text_projection", Random(random, TextWidth * Hidden, 1f), TextWidth, Hidden);
            string textEmbedding = g.Node("Unsqueeze", new[] { g.Node("MatMul", new[] { pooled, textProjection }), g.Int64s(2, 3) });
            h = g.Node("Tanh", new[] { g.Node("Add", new[] { g.Node("Add", new[] { h, timeEmbedding }), textEmbedding }) });
            g.Output(Conv(g, random, h, Hidden, 4, 3), "out_sample", OnnxElementType.Float, "batch", 4, "height", "width");
            return g;
        }

        private static OnnxGraphBuilder VaeDecoder(Random random)
        {
            var g = new OnnxGraphBuilder("vae_decoder");
            string latents = g.Input("latent_sample", OnnxElementType.Float, "batch", 4, "latent_height", "latent_width");
            string rgb = g.Node("Tanh", new[] { Conv(g, random, latents, 4, 3, 1) });
            string image = g.Node("Resize", new[] { rgb, string.Empty, g.Floats(1, 1, 8, 8) }, OnnxAttribute.String("mode", "nearest"));
            g.Output(image, "sample", OnnxElementType.Float, "batch", 3, "height", "width");
            return g;
        }

        private static OnnxGraphBuilder VaeEncoder(Random random, bool meanAndLogVariance)
        {
            var g = new OnnxGraphBuilder("vae_encoder");
            string image = g.Input("sample", OnnxElementType.Float, "batch", 3, "height", "width");
            string pooled = g.Node("AveragePool", new[] { image }, OnnxAttribute.Ints("kernel_shape", 8, 8), OnnxAttribute.Ints("strides", 8, 8));
            int channels = meanAndLogVariance ? 8 : 4;
            g.Output(Conv(g, random, pooled, 3, channels, 1), meanAndLogVariance ? "latent_parameters" : "latent_sample", OnnxElementType.Float, "batch", channels, "latent_height", "latent_width");
            return g;
        }

        private static string Conv(OnnxGraphBuilder g, Random random, string x, int inChannels, int outChannels, int kernel)
        {
            float scale = 1f / MathF.Sqrt(inChannels * kernel * kernel);
            string w = g.Weight($"conv_{g.NodeCount}.weight", Random(random, outChannels * inChannels * kernel * kernel, scale), outChannels, inChannels, kernel, kernel);
            string b = g.Weight($"conv_{g.NodeCount}.bias", Random(random, outChannels, 0.1f), outChannels);
            long pad = kernel / 2;
            return g.Node("Conv", new[] { x, w, b }, OnnxAttribute.Ints("pads", pad, pad, pad, pad));
        }

        private static float[] Random(Random random, int count, float scale)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = (float)((random.NextDouble() * 2) - 1) * scale;
            }

            return values;
        }
    }
}
