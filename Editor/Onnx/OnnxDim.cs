using System;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>One dimension of a graph input or output: a fixed size, or a named symbol such as <c>batch</c> that ONNX Runtime resolves per call.</summary>
    public readonly struct OnnxDim
    {
        private OnnxDim(long size, string? symbol)
        {
            Size = size;
            Symbol = symbol;
        }

        /// <summary>The fixed size, or -1 for a symbolic dimension.</summary>
        public long Size { get; }

        /// <summary>The symbol of a dynamic dimension, or null for a fixed one.</summary>
        public string? Symbol { get; }

        /// <summary>A fixed dimension.</summary>
        public static implicit operator OnnxDim(long size) =>
            size >= 0 ? new OnnxDim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A fixed dimension is at least 0; use a name for a dynamic one.");

        /// <summary>A dynamic dimension named <paramref name="symbol"/>.</summary>
        public static implicit operator OnnxDim(string symbol) =>
            string.IsNullOrEmpty(symbol) ? throw new ArgumentException("A dynamic dimension needs a name.", nameof(symbol)) : new OnnxDim(-1, symbol);

        /// <inheritdoc />
        public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
