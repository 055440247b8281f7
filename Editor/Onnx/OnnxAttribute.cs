using System.Linq;
using Google.Protobuf;
using LiveDiffusion.Editor.Onnx.Proto;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>A named node attribute (ONNX AttributeProto): an integer, integers, a float or a string.</summary>
    public sealed class OnnxAttribute
    {
        private OnnxAttribute(AttributeProto proto)
        {
            Proto = proto;
        }

        internal AttributeProto Proto { get; }

        /// <summary>An integer attribute, such as Softmax's <c>axis</c>.</summary>
        public static OnnxAttribute Int(string name, long value) =>
            new OnnxAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

        /// <summary>An integer list attribute, such as Conv's <c>pads</c> or Transpose's <c>perm</c>.</summary>
        public static OnnxAttribute Ints(string name, params long[] values)
        {
            var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
            proto.Ints.AddRange(values);
            return new OnnxAttribute(proto);
        }

        /// <summary>A float attribute, such as InstanceNormalization's <c>epsilon</c>.</summary>
        public static OnnxAttribute Float(string name, float value) =>
            new OnnxAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

        /// <summary>A string attribute, such as Resize's <c>mode</c>.</summary>
        public static OnnxAttribute String(string name, string value) =>
            new OnnxAttribute(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

        /// <inheritdoc />
        public override string ToString() => Proto.Type switch
        {
            AttributeProto.Types.AttributeType.Int => $"{Proto.Name}={Proto.I}",
            AttributeProto.Types.AttributeType.Ints => $"{Proto.Name}=[{string.Join(",", Proto.Ints.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]",
            AttributeProto.Types.AttributeType.Float => $"{Proto.Name}={Proto.F}",
            _ => $"{Proto.Name}={Proto.S.ToStringUtf8()}",
        };
    }
}
