#nullable enable
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LiveDiffusion.Onnx
{
    /// <summary>A model input or output as the session's metadata declares it: name, element type and shape (-1 for a dynamic dimension).</summary>
    public sealed class OnnxTensorSpec
    {
        internal OnnxTensorSpec(string name, TensorElementType elementType, IReadOnlyList<long> dimensions)
        {
            Name = name;
            ElementType = elementType;
            Dimensions = dimensions;
        }

        /// <summary>The name in the graph.</summary>
        public string Name { get; }

        /// <summary>The element type (float, float16, int32, int64, …).</summary>
        public TensorElementType ElementType { get; }

        /// <summary>Dimensions; -1 where the model leaves one dynamic.</summary>
        public IReadOnlyList<long> Dimensions { get; }

        /// <summary>Number of dimensions.</summary>
        public int Rank => Dimensions.Count;

        /// <summary>Dimension <paramref name="axis"/> if the model fixes it, else null.</summary>
        public long? Fixed(int axis) => axis < Dimensions.Count && Dimensions[axis] >= 0 ? Dimensions[axis] : (long?)null;

        /// <inheritdoc />
        public override string ToString() => $"{Name}: {ElementType} [{string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}]";
    }
}
