#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveDiffusion.IO
{
    /// <summary>One tensor's entry in a safetensors header.</summary>
    public sealed class SafeTensorInfo
    {
        internal SafeTensorInfo(string name, SafeTensorDType dtype, IReadOnlyList<long> shape, long begin, long end)
        {
            Name = name;
            DType = dtype;
            Shape = shape;
            Begin = begin;
            End = end;
        }

        /// <summary>The tensor's name, e.g. <c>down_blocks.0.resnets.0.conv1.weight</c>.</summary>
        public string Name { get; }

        /// <summary>The element type on disk.</summary>
        public SafeTensorDType DType { get; }

        /// <summary>The shape, outermost dimension first.</summary>
        public IReadOnlyList<long> Shape { get; }

        /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
        public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

        internal long Begin { get; }

        internal long End { get; }

        /// <summary>The shape written as <c>[a, b, c]</c>.</summary>
        public string ShapeString => "[" + string.Join(", ", Shape) + "]";

        /// <inheritdoc />
        public override string ToString() => $"{Name} {DType} {ShapeString}";

        internal static int ElementSize(SafeTensorDType dtype) => dtype switch
        {
            SafeTensorDType.Float32 => 4,
            SafeTensorDType.Float16 => 2,
            SafeTensorDType.BFloat16 => 2,
            SafeTensorDType.Int64 => 8,
            SafeTensorDType.Int32 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }
}
