using System;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Rendering
{
    /// <summary>How a <see cref="LiveViewer"/> or <see cref="HeadlessFrameWriter"/> shows a generation.</summary>
    public sealed class LiveViewerOptions
    {
        /// <summary>First part of the window title.</summary>
        public string Title { get; init; } = "LiveDiffusion";

        /// <summary>Model name shown in the title (null: not shown).</summary>
        public string? Model { get; init; }

        /// <summary>Seed shown in the title (null: not shown).</summary>
        public string? Seed { get; init; }

        /// <summary>What the tensor channels mean: pixels (our texture models) or SD 1.x latents.</summary>
        public LatentEncoding Encoding { get; init; } = LatentEncoding.Pixels;

        /// <summary>The view at start; keys 1, 2, 3 (or Tab) switch it in the window.</summary>
        public LatentView View { get; init; } = LatentView.Image;

        /// <summary>Window width in screen coordinates.</summary>
        public int Width { get; init; } = 960;

        /// <summary>Window height in screen coordinates.</summary>
        public int Height { get; init; } = 540;

        /// <summary>Where the S key saves the current frame as PNG (created when needed).</summary>
        public string SaveFolder { get; init; } = ".";

        /// <summary>Keep the window open after the channel completes, until the user closes it.</summary>
        public bool HoldAfterCompletion { get; init; }

        /// <summary>Without <see cref="HoldAfterCompletion"/>: how long the final frame stays on screen before the window closes.</summary>
        public TimeSpan Linger { get; init; } = TimeSpan.FromSeconds(1.5);

        /// <summary>The channels view's false-colour range; 0 picks 1 for pixels and 3 for SD latents.</summary>
        public float FalseColorRange { get; init; }

        /// <summary>
        /// Called on the viewer's thread after each newly uploaded frame is drawn, with a copy of the frame and a read-back
        /// of what was drawn. Reading back costs a glReadPixels per frame: leave null unless you need it (tests,
        /// recorders).
        /// </summary>
        public Action<ShownFrame>? FrameShown { get; init; }

        /// <summary>Receives one-line messages (saved files, key help); null for silence.</summary>
        public Action<string>? Log { get; init; }

        /// <summary>The style for <paramref name="view"/> and a frame with <paramref name="items"/> batch items.</summary>
        internal LatentStyle Style(LatentView view, int items) => new LatentStyle
        {
            View = view,
            Encoding = Encoding,
            Gap = items > 1 ? 0.03f : 0f,
            FalseColorRange = FalseColorRange > 0 ? FalseColorRange : Encoding == LatentEncoding.StableDiffusion1 ? 3f : 1f,
        };
    }
}
