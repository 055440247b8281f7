#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// The inputs of one denoiser call. A pipeline keeps one instance and updates it each step, so calls allocate
    /// nothing.
    /// </summary>
    public sealed class DenoiserInput
    {
        /// <summary>Creates the input around a sample buffer.</summary>
        public DenoiserInput(TensorBuffer sample)
        {
            Sample = sample ?? throw new ArgumentNullException(nameof(sample));
        }

        /// <summary>The (scaled) noisy sample x_t, NCHW.</summary>
        public TensorBuffer Sample { get; set; }

        /// <summary>The timestep, the same for every batch item.</summary>
        public float Timestep { get; set; }

        /// <summary>One class index per batch item for class-conditional models; null for unconditional ones.</summary>
        public int[]? ClassLabels { get; set; }

        /// <summary>Text conditioning for text-to-image UNets (one row per batch item); null for models without text input.</summary>
        public TextEmbeddings? EncoderHiddenStates { get; set; }
    }
}
