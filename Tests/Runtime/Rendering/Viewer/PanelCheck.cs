using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Rendering.Tests.Viewer
{
    /// <summary>Compares a drawn panel with the CPU preview of the frame it shows (batch 1, image view, whole-number scale).</summary>
    internal static class PanelCheck
    {
        /// <summary>Largest per-component difference between the panel of <paramref name="image"/> and the CPU preview of the tensor.</summary>
        public static int MaxError(RgbImage image, (int X, int Y, int Width, int Height) panel, DenoisingFrame frame, bool predictedOriginal, LatentEncoding encoding)
        {
            if (panel.Width % frame.Width != 0 || panel.Width / frame.Width != panel.Height / frame.Height)
            {
                throw new InvalidOperationException($"Panel {panel.Width}x{panel.Height} is not a whole-number scale of {frame.Width}x{frame.Height}.");
            }

            RgbImage expected = LatentPreview.ToImage(frame, predictedOriginal, 0, encoding).ScaleNearest(panel.Width / frame.Width);
            int worst = 0;
            for (int y = 0; y < panel.Height; y++)
            {
                for (int x = 0; x < panel.Width; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        int a = image.Pixels[((((panel.Y + y) * image.Width) + panel.X + x) * 3) + c];
                        int b = expected.Pixels[(((y * expected.Width) + x) * 3) + c];
                        worst = Math.Max(worst, Math.Abs(a - b));
                    }
                }
            }

            return worst;
        }

        /// <summary>The panel's pixels, for comparing two drawn frames.</summary>
        public static byte[] Crop(RgbImage image, (int X, int Y, int Width, int Height) panel)
        {
            var pixels = new byte[panel.Width * panel.Height * 3];
            for (int y = 0; y < panel.Height; y++)
            {
                Buffer.BlockCopy(image.Pixels, (((panel.Y + y) * image.Width) + panel.X) * 3, pixels, y * panel.Width * 3, panel.Width * 3);
            }

            return pixels;
        }
    }
}
