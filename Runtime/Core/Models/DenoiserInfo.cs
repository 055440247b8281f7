#nullable enable
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Models
{
    /// <summary>What a denoiser expects and produces.</summary>
    public sealed class DenoiserInfo
    {
        /// <summary>Channels of the sample it takes.</summary>
        public int InChannels { get; init; }

        /// <summary>Channels of its prediction.</summary>
        public int OutChannels { get; init; }

        /// <summary>The spatial size it was trained at (it may accept others; see <see cref="SizeMultiple"/>).</summary>
        public int SampleSize { get; init; }

        /// <summary>Height and width must be multiples of this.</summary>
        public int SizeMultiple { get; init; } = 1;

        /// <summary>Number of class embeddings, or 0 for a model without class input.</summary>
        public int ClassCount { get; init; }

        /// <summary>The "no class" label used for classifier-free guidance, or null when the model has none.</summary>
        public int? UnconditionalClass { get; init; }

        /// <summary>Whether every convolution wraps around, so outputs tile seamlessly.</summary>
        public bool Tileable { get; init; }

        /// <summary>What the network predicts.</summary>
        public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

        /// <summary>A short description for logs and titles (backend and model).</summary>
        public string Name { get; init; } = "denoiser";

        /// <summary>Width of the text embeddings the model reads, or 0 for a model without text input.</summary>
        public int TextEmbeddingWidth { get; init; }

        /// <summary>What a network built from <paramref name="config"/> expects and produces, described as <paramref name="backend"/>.</summary>
        public static DenoiserInfo For(UNet2DConfig config, PredictionType predictionType, string backend) => new DenoiserInfo
        {
            InChannels = config.InChannels,
            OutChannels = config.OutChannels,
            SampleSize = config.SampleSize,
            SizeMultiple = config.SizeMultiple,
            ClassCount = config.NumClassEmbeds ?? 0,
            UnconditionalClass = config.UnconditionalClass,
            Tileable = config.PaddingMode == PaddingMode.Circular,
            PredictionType = predictionType,
            Name = $"{backend}:UNet2D {config.SampleSize}px {string.Join("/", config.BlockOutChannels)}",
        };
    }
}
