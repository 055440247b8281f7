#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// A text encoder's hidden states for a batch of prompts, [batch, tokens, width] row-major (77 × 768 for SD 1.x):
    /// what a text-conditioned UNet reads as <c>encoder_hidden_states</c>.
    /// </summary>
    public sealed class TextEmbeddings
    {
        /// <summary>Allocates zeroed embeddings.</summary>
        public TextEmbeddings(int batch, int tokens, int width)
        {
            if (batch <= 0 || tokens <= 0 || width <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), $"Text embeddings need positive dimensions, not [{batch}, {tokens}, {width}].");
            }

            Batch = batch;
            Tokens = tokens;
            Width = width;
            Array = new float[(long)batch * tokens * width];
        }

        /// <summary>Number of prompts.</summary>
        public int Batch { get; }

        /// <summary>Tokens per prompt (the encoder's sequence length).</summary>
        public int Tokens { get; }

        /// <summary>Hidden size per token.</summary>
        public int Width { get; }

        /// <summary>The values, [batch, tokens, width] row-major.</summary>
        public float[] Array { get; }

        /// <summary>The embeddings of prompt <paramref name="index"/>.</summary>
        public Span<float> Item(int index) => Array.AsSpan(index * Tokens * Width, Tokens * Width);

        /// <summary>Shape as text, for messages.</summary>
        public string ShapeString => $"[{Batch}, {Tokens}, {Width}]";
    }
}
