#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>A text encoder (CLIP's for Stable Diffusion) behind any backend: token ids in, hidden states out.</summary>
    public interface ITextEncoder : IDisposable
    {
        /// <summary>Tokens per prompt the encoder takes (77 for CLIP).</summary>
        int MaxTokens { get; }

        /// <summary>Hidden size of its output (768 for SD 1.x, 1024 for SD 2.x).</summary>
        int Width { get; }

        /// <summary>Encodes <paramref name="ids"/> ([batch][MaxTokens] token ids) into <paramref name="output"/> ([batch, MaxTokens, Width]).</summary>
        void Encode(int[][] ids, TextEmbeddings output);
    }
}
