using System;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>
    /// The layers both exporters are made of, each written as ONNX opset-17 nodes: convolution with zero or circular
    /// padding, GroupNorm, SiLU, linear layers, nearest upsampling and spatial self-attention. Weight names are the
    /// PyTorch parameter names (<c>{prefix}.weight</c>, <c>{prefix}.bias</c>).
    /// </summary>
    internal sealed class OnnxLayers
    {
        public OnnxLayers(OnnxGraphBuilder graph, OnnxWeightSource weights)
        {
            Graph = graph;
            Weights = weights;
        }

        public OnnxGraphBuilder Graph { get; }

        public OnnxWeightSource Weights { get; }

        /// <summary>
        /// A k×k convolution with "same" padding. Circular padding is written as explicit wrap-around (the last rows
        /// and columns copied before the first and the first after the last, by Slice and Concat) before a Conv with
        /// no padding: Conv's own pads are zeros only, and Pad's wrap mode needs opset 19 and, in ONNX Runtime 1.31 on
        /// the CPU, was 9% slower than Slice and Concat on the built-in model at batch 16.
        /// </summary>
        public string Conv(string x, string prefix, long inChannels, long outChannels, long kernel, PaddingMode padding, long stride = 1, bool bias = true)
        {
            long pad = kernel / 2;
            string weight = Weights.Add(Graph, prefix + ".weight", outChannels, inChannels, kernel, kernel);
            var inputs = bias ? new[] { x, weight, Weights.Add(Graph, prefix + ".bias", outChannels) } : new[] { x, weight };
            if (padding == PaddingMode.Circular && pad > 0)
            {
                inputs[0] = WrapPad(x, pad);
                pad = 0;
            }

            return Graph.Node("Conv", inputs,
                OnnxAttribute.Ints("kernel_shape", kernel, kernel),
                OnnxAttribute.Ints("strides", stride, stride),
                OnnxAttribute.Ints("pads", pad, pad, pad, pad));
        }

        /// <summary>Pads the last two axes of an NCHW value by <paramref name="pad"/> with wrap-around (torch's circular padding).</summary>
        public string WrapPad(string x, long pad)
        {
            foreach (long axis in new long[] { 2, 3 })
            {
                string axes = Graph.Int64s(axis);
                string tail = Graph.Node("Slice", new[] { x, Graph.Int64s(-pad), Graph.Int64s(long.MaxValue), axes });
                string head = Graph.Node("Slice", new[] { x, Graph.Int64s(0), Graph.Int64s(pad), axes });
                x = Graph.Node("Concat", new[] { tail, x, head }, OnnxAttribute.Int("axis", axis));
            }

            return x;
        }

        /// <summary>
        /// GroupNorm over NCHW: reshape to [N, groups, rest], InstanceNormalization (which normalises each row), reshape
        /// back, then the per-channel affine transform.
        /// </summary>
        public string GroupNorm(string x, string prefix, long groups, long channels, double eps)
        {
            float[] ones = new float[groups];
            Array.Fill(ones, 1f);
            string unitScale = Graph.Weight($"{prefix}.group_scale", ones, groups);
            string zeroBias = Graph.Weight($"{prefix}.group_bias", new float[groups], groups);
            string grouped = Graph.Node("Reshape", new[] { x, Graph.Int64s(0, groups, -1) });
            string normed = Graph.Node("InstanceNormalization", new[] { grouped, unitScale, zeroBias }, OnnxAttribute.Float("epsilon", (float)eps));
            string shaped = Graph.Node("Reshape", new[] { normed, Graph.Node("Shape", new[] { x }) });
            string weight = Graph.Weight(prefix + ".weight", Weights.Read(prefix + ".weight", channels), channels, 1, 1);
            string bias = Graph.Weight(prefix + ".bias", Weights.Read(prefix + ".bias", channels), channels, 1, 1);
            return Graph.Node("Add", new[] { Graph.Node("Mul", new[] { shaped, weight }), bias });
        }

        /// <summary>x · sigmoid(x).</summary>
        public string Silu(string x) => Graph.Node("Mul", new[] { x, Graph.Node("Sigmoid", new[] { x }) });

        /// <summary>A linear layer on [N, in] (Gemm with the weight as stored, [out, in]).</summary>
        public string Linear2D(string x, string prefix, long inFeatures, long outFeatures)
        {
            string weight = Weights.Add(Graph, prefix + ".weight", outFeatures, inFeatures);
            string bias = Weights.Add(Graph, prefix + ".bias", outFeatures);
            return Graph.Node("Gemm", new[] { x, weight, bias }, OnnxAttribute.Int("transB", 1));
        }

        /// <summary>A linear layer on [..., in] (MatMul with the weight stored transposed, then Add).</summary>
        public string Linear(string x, string prefix, long inFeatures, long outFeatures)
        {
            float[] weight = Weights.Read(prefix + ".weight", outFeatures, inFeatures);
            float[] transposed = new float[weight.Length];
            for (long o = 0; o < outFeatures; o++)
            {
                for (long i = 0; i < inFeatures; i++)
                {
                    transposed[i * outFeatures + o] = weight[o * inFeatures + i];
                }
            }

            string w = Graph.Weight(prefix + ".weight_t", transposed, inFeatures, outFeatures);
            string b = Weights.Add(Graph, prefix + ".bias", outFeatures);
            return Graph.Node("Add", new[] { Graph.Node("MatMul", new[] { x, w }), b });
        }

        /// <summary>Nearest-neighbour ×2 upsampling of NCHW (torch's <c>interpolate(mode="nearest")</c>).</summary>
        public string Upsample2x(string x) =>
            Graph.Node("Resize", new[] { x, string.Empty, Graph.Floats(1, 1, 2, 2) },
                OnnxAttribute.String("mode", "nearest"),
                OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.String("nearest_mode", "floor"));

        /// <summary>
        /// diffusers' spatial self-attention with GroupNorm and a residual: per head softmax(q·kᵀ/√d)·v over the H·W
        /// positions, then the output projection.
        /// </summary>
        public string Attention(string x, string prefix, long channels, long heads, long groups, double eps)
        {
            long headDim = channels / heads;
            string normed = GroupNorm(x, prefix + ".group_norm", groups, channels, eps);
            string tokens = Graph.Node("Transpose", new[] { Graph.Node("Reshape", new[] { normed, Graph.Int64s(0, 0, -1) }) }, OnnxAttribute.Ints("perm", 0, 2, 1));
            string splitHeads = Graph.Int64s(0, 0, heads, headDim);
            string q = Graph.Node("Reshape", new[] { Linear(tokens, prefix + ".to_q", channels, channels), splitHeads });
            string k = Graph.Node("Reshape", new[] { Linear(tokens, prefix + ".to_k", channels, channels), splitHeads });
            string v = Graph.Node("Reshape", new[] { Linear(tokens, prefix + ".to_v", channels, channels), splitHeads });
            q = Graph.Node("Transpose", new[] { q }, OnnxAttribute.Ints("perm", 0, 2, 1, 3));
            k = Graph.Node("Transpose", new[] { k }, OnnxAttribute.Ints("perm", 0, 2, 3, 1));
            v = Graph.Node("Transpose", new[] { v }, OnnxAttribute.Ints("perm", 0, 2, 1, 3));
            string scores = Graph.Node("Mul", new[] { Graph.Node("MatMul", new[] { q, k }), Graph.Scalar((float)(1.0 / Math.Sqrt(headDim))) });
            string attended = Graph.Node("MatMul", new[] { Graph.Node("Softmax", new[] { scores }, OnnxAttribute.Int("axis", -1)), v });
            string merged = Graph.Node("Reshape", new[] { Graph.Node("Transpose", new[] { attended }, OnnxAttribute.Ints("perm", 0, 2, 1, 3)), Graph.Int64s(0, 0, channels) });
            string projected = Linear(merged, prefix + ".to_out.0", channels, channels);
            string image = Graph.Node("Reshape", new[] { Graph.Node("Transpose", new[] { projected }, OnnxAttribute.Ints("perm", 0, 2, 1)), Graph.Node("Shape", new[] { x }) });
            return Graph.Node("Add", new[] { image, x });
        }
    }
}
