using System;
using LiveDiffusion.Pipelines;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering
{
    /// <summary>
    /// Draws one viewer frame: x_t on the left, the predicted x0 on the right, and a progress bar of the step under
    /// them. The window viewer and the headless frame writer both draw with it, so a headless PNG is what the window
    /// shows. Create, use and dispose on the context's thread.
    /// </summary>
    public sealed class DenoiseViewRenderer : IDisposable
    {
        /// <summary>Pixels around and between the panels.</summary>
        public const int Margin = 12;

        /// <summary>Height of the progress bar in pixels.</summary>
        public const int BarHeight = 6;

        private readonly GL _gl;
        private readonly SharedLatentTexture _latents;
        private readonly SharedLatentTexture _predicted;
        private readonly LatentRenderer _renderer;
        private int _index;
        private int _count;
        private bool _disposed;

        /// <summary>Creates the textures and the shader. The context must be current on this thread.</summary>
        public DenoiseViewRenderer(GL gl)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            _latents = new SharedLatentTexture(gl);
            _predicted = new SharedLatentTexture(gl);
            _renderer = new LatentRenderer(gl);
        }

        /// <summary>The texture with x_t of the frame uploaded last (see its thread rules).</summary>
        public SharedLatentTexture Latents => _latents;

        /// <summary>The texture with the predicted x0 of the frame uploaded last.</summary>
        public SharedLatentTexture PredictedOriginal => _predicted;

        /// <summary>True once a frame was uploaded.</summary>
        public bool HasFrame => _predicted.Items > 0;

        /// <summary>Uploads both tensors of <paramref name="frame"/> and remembers its step for the progress bar.</summary>
        public void Upload(DenoisingFrame frame)
        {
            ThrowIfDisposed();
            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            _latents.Update(frame, predictedOriginal: false);
            _predicted.Update(frame, predictedOriginal: true);
            _index = frame.Index;
            _count = frame.Count;
        }

        /// <summary>
        /// Where the two panels go in a framebuffer of <paramref name="width"/> x <paramref name="height"/> pixels for
        /// the uploaded frame's shape: rectangles in image coordinates (origin top-left), x_t first. Content is scaled
        /// by the largest whole factor that fits (crisp texels), or shrunk to fit when even 1 does not.
        /// </summary>
        public ((int X, int Y, int Width, int Height) Latents, (int X, int Y, int Width, int Height) PredictedOriginal) Layout(int width, int height)
        {
            int contentW = Math.Max(1, _predicted.Width), contentH = Math.Max(1, _predicted.Height);
            int areaW = Math.Max(1, (width - (3 * Margin)) / 2);
            int areaH = Math.Max(1, height - (3 * Margin) - BarHeight);
            double scale = Math.Min((double)areaW / contentW, (double)areaH / contentH);
            if (scale >= 1)
            {
                scale = Math.Floor(scale);
            }

            int panelW = Math.Max(1, (int)(contentW * scale)), panelH = Math.Max(1, (int)(contentH * scale));
            int y = Margin + ((areaH - panelH) / 2);
            int leftX = Margin + ((areaW - panelW) / 2);
            int rightX = (2 * Margin) + areaW + ((areaW - panelW) / 2);
            return ((leftX, y, panelW, panelH), (rightX, y, panelW, panelH));
        }

        /// <summary>The framebuffer size at which <see cref="Layout"/> scales the uploaded frame by <paramref name="scale"/>.</summary>
        public (int Width, int Height) SizeFor(int scale)
        {
            int contentW = Math.Max(1, _predicted.Width) * scale, contentH = Math.Max(1, _predicted.Height) * scale;
            return ((2 * contentW) + (3 * Margin), contentH + (3 * Margin) + BarHeight);
        }

        /// <summary>
        /// Clears the bound framebuffer (<paramref name="width"/> x <paramref name="height"/>) and draws both panels with
        /// <paramref name="style"/> and the progress bar. Draws only the background before the first upload.
        /// </summary>
        public void Render(int width, int height, LatentStyle style)
        {
            ThrowIfDisposed();
            if (style == null)
            {
                throw new ArgumentNullException(nameof(style));
            }

            _gl.Disable(EnableCap.ScissorTest);
            _gl.Viewport(0, 0, (uint)width, (uint)height);
            _gl.ClearColor(0.05f, 0.05f, 0.06f, 1f);
            _gl.Clear(ClearBufferMask.ColorBufferBit);
            if (!HasFrame)
            {
                return;
            }

            var (left, right) = Layout(width, height);
            _renderer.Draw(_latents, left.X, height - left.Y - left.Height, left.Width, left.Height, style);
            _renderer.Draw(_predicted, right.X, height - right.Y - right.Height, right.Width, right.Height, style);

            // Progress: a track under both panels, filled to (step + 1) / count.
            int barY = Margin;
            int barX = Margin, barW = Math.Max(1, width - (2 * Margin));
            _gl.Enable(EnableCap.ScissorTest);
            _gl.Scissor(barX, barY, (uint)barW, BarHeight);
            _gl.ClearColor(0.2f, 0.2f, 0.22f, 1f);
            _gl.Clear(ClearBufferMask.ColorBufferBit);
            int filled = _count > 0 ? (int)Math.Round(barW * (double)(_index + 1) / _count) : 0;
            if (filled > 0)
            {
                _gl.Scissor(barX, barY, (uint)filled, BarHeight);
                _gl.ClearColor(0.35f, 0.75f, 0.45f, 1f);
                _gl.Clear(ClearBufferMask.ColorBufferBit);
            }

            _gl.Disable(EnableCap.ScissorTest);
            _gl.Viewport(0, 0, (uint)width, (uint)height);
        }

        /// <summary>
        /// Draws only the x0 panel, filling the bound framebuffer of <paramref name="width"/> x <paramref name="height"/>
        /// (used for contact sheets of the steps).
        /// </summary>
        public void RenderPredictedOriginal(int width, int height, LatentStyle style)
        {
            ThrowIfDisposed();
            _gl.Disable(EnableCap.ScissorTest);
            _gl.Viewport(0, 0, (uint)width, (uint)height);
            _gl.ClearColor(0.05f, 0.05f, 0.06f, 1f);
            _gl.Clear(ClearBufferMask.ColorBufferBit);
            _renderer.Draw(_predicted, 0, 0, width, height, style);
        }

        /// <summary>Deletes the textures and the shader. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _renderer.Dispose();
            _predicted.Dispose();
            _latents.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(DenoiseViewRenderer));
            }
        }
    }
}
