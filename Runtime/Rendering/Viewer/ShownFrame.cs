using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Rendering.Preview;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>A frame as a <see cref="LiveViewer"/> drew it: the frame, the pixels read back, and where each panel is.</summary>
    public sealed class ShownFrame
    {
        internal ShownFrame(DenoisingFrame frame, RgbImage image, LatentView view,
                            (int X, int Y, int Width, int Height) latentsPanel, (int X, int Y, int Width, int Height) predictedPanel)
        {
            Frame = frame;
            Image = image;
            View = view;
            LatentsPanel = latentsPanel;
            PredictedOriginalPanel = predictedPanel;
        }

        /// <summary>A copy of the frame that was drawn.</summary>
        public DenoisingFrame Frame { get; }

        /// <summary>The whole framebuffer as drawn (rows top to bottom).</summary>
        public RgbImage Image { get; }

        /// <summary>The view it was drawn with.</summary>
        public LatentView View { get; }

        /// <summary>The x_t panel in <see cref="Image"/>.</summary>
        public (int X, int Y, int Width, int Height) LatentsPanel { get; }

        /// <summary>The x0 panel in <see cref="Image"/>.</summary>
        public (int X, int Y, int Width, int Height) PredictedOriginalPanel { get; }
    }
}
