using LiveDiffusion.Editor.Onnx;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>A one-node ONNX model, y = Identity(x) with x and y float[1], written with the exporter's graph builder.</summary>
    internal static class TinyIdentityModel
    {
        public static byte[] Bytes { get; } = Build();

        private static byte[] Build()
        {
            var graph = new OnnxGraphBuilder("g", opset: 13);
            string x = graph.Input("x", OnnxElementType.Float, 1);
            graph.Output(graph.Node("Identity", new[] { x }), "y", OnnxElementType.Float, 1);
            return graph.ToBytes();
        }
    }
}
