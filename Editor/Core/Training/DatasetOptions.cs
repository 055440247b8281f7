using System.Collections.Generic;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>How images with an alpha channel become training samples.</summary>
    public enum AlphaMode
    {
        /// <summary>Composite over the background colour and train on RGB.</summary>
        Composite,

        /// <summary>Keep the alpha channel and train on RGBA (4-channel models).</summary>
        Keep,
    }

    /// <summary>How a folder of images becomes training samples.</summary>
    public sealed class DatasetOptions
    {
        /// <summary>Height and width of the samples (the model's sample_size).</summary>
        public int Size { get; init; } = 32;

        /// <summary>Whether subfolders are class labels (for class-conditional models).</summary>
        public bool ClassConditional { get; init; }

        /// <summary>What to do with alpha.</summary>
        public AlphaMode Alpha { get; init; } = AlphaMode.Composite;

        /// <summary>The RGB colour transparent pixels are composited over.</summary>
        public (byte R, byte G, byte B) Background { get; init; } = (0, 0, 0);

        /// <summary>Random crops after resizing the shorter side to <see cref="Size"/> (center crops when false).</summary>
        public bool RandomCrop { get; init; }

        /// <summary>Random left-right flips.</summary>
        public bool FlipHorizontal { get; init; } = true;

        /// <summary>Random top-bottom flips.</summary>
        public bool FlipVertical { get; init; }

        /// <summary>Random 90° rotations (textures have no "up").</summary>
        public bool Rotate90 { get; init; }

        /// <summary>
        /// When set (class-conditional sets only), <see cref="Rotate90"/> and <see cref="FlipVertical"/> apply only to
        /// images of these classes (subfolder names): floor tiles seen from above have no "up", wall tiles do.
        /// Null applies them to every class.
        /// </summary>
        public IReadOnlyList<string>? OrientationClasses { get; init; }

        /// <summary>Channels of the samples: 4 when alpha is kept, else 3.</summary>
        public int Channels => Alpha == AlphaMode.Keep ? 4 : 3;

        /// <summary>The most pixels one image may have; larger images are skipped before they are decoded.</summary>
        public long MaxPixels { get; init; } = DatasetImageDecoder.DefaultMaxPixels;

        /// <summary>Image formats decoded (see <see cref="DatasetImageDecoder"/>); others are skipped with the reason.</summary>
        public IReadOnlyCollection<string> AllowedFormats { get; init; } = DatasetImageDecoder.DefaultFormats;
    }
}
