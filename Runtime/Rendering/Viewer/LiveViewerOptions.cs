using System;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;

namespace LiveDiffusion.Rendering.Viewer
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

        /// <summary>
        /// CPU decoder for <see cref="LatentView.Decoded"/> (key 4), e.g. <c>TaesdPreviewDecoder</c> for SD 1.x latents;
        /// null leaves that view out. It runs on the viewer's thread for each new frame while that view is on.
        /// </summary>
        public IPreviewDecoder? Decoder { get; init; }

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

        /// <summary>
        /// Nice value for the viewer's thread on Linux (0 to 19; higher yields more), set before the GL context exists so
        /// the driver's threads (llvmpipe's rasterisers) inherit it: on a small CPU the denoiser then keeps the cores
        /// and the viewer draws with what is left. 0 leaves the priority alone. Default 10.
        /// </summary>
        public int ThreadNice { get; init; } = 10;

        /// <summary>Receives one-line messages (saved files, key help); null for silence.</summary>
        public Action<string>? Log { get; init; }

        /// <summary>The start of the caption line drawn above the panels: model and seed when given.</summary>
        internal string Caption => (Model ?? string.Empty) + (Seed != null ? (Model != null ? "  " : string.Empty) + "seed " + Seed : string.Empty);

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
