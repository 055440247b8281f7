using System.Collections.Generic;
using System.Text;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>
    /// A one-node ONNX model, y = Identity(x) with x and y float[1], encoded as ModelProto bytes by hand
    /// (field numbers from onnx.proto) so the tests need no model file and no protobuf dependency.
    /// </summary>
    internal static class TinyIdentityModel
    {
        public static byte[] Bytes { get; } = Build();

        private static byte[] Build()
        {
            byte[] ValueInfo(string name) => Message(
                Str(1, name),
                Msg(2, Message(                                   // TypeProto.type
                    Msg(1, Message(                               // tensor_type
                        VarintField(1, 1),                        // elem_type = FLOAT
                        Msg(2, Message(Msg(1, Message(VarintField(1, 1)))))))))); // shape { dim { dim_value: 1 } }

            byte[] node = Message(Str(1, "x"), Str(2, "y"), Str(4, "Identity"));
            byte[] graph = Message(Msg(1, node), Str(2, "g"), Msg(11, ValueInfo("x")), Msg(12, ValueInfo("y")));
            byte[] opset = Message(Str(1, ""), VarintField(2, 13));
            return Message(VarintField(1, 7), Msg(7, graph), Msg(8, opset)); // ir_version 7, graph, opset_import
        }

        private static byte[] Message(params byte[][] fields)
        {
            var all = new List<byte>();
            foreach (var f in fields) all.AddRange(f);
            return all.ToArray();
        }

        private static byte[] VarintField(int field, ulong value)
        {
            var b = new List<byte>();
            b.AddRange(Varint((ulong)(field << 3)));
            b.AddRange(Varint(value));
            return b.ToArray();
        }

        private static byte[] Str(int field, string value) => Msg(field, Encoding.UTF8.GetBytes(value));

        private static byte[] Msg(int field, byte[] payload)
        {
            var b = new List<byte>();
            b.AddRange(Varint((ulong)((field << 3) | 2)));
            b.AddRange(Varint((ulong)payload.Length));
            b.AddRange(payload);
            return b.ToArray();
        }

        private static IEnumerable<byte> Varint(ulong v)
        {
            do
            {
                byte b = (byte)(v & 0x7F);
                v >>= 7;
                if (v != 0) b |= 0x80;
                yield return b;
            } while (v != 0);
        }
    }
}
