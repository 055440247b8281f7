using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>
    /// Draws one viewer frame: a caption line (model, seed, step k/N, timestep, ms per step, view), x_t on the left and
    /// the predicted x0 on the right, each labelled, and a progress bar of the step under them. The window viewer and the headless frame writer both draw with it, so a headless PNG is what the window
    /// shows. Create, use and dispose on the context's thread.
    /// </summary>
    public sealed class DenoiseViewRenderer : IDisposable
    {
        /// <summary>Pixels around and between the panels.</summary>
        public const int Margin = 12;

        /// <summary>Height of the progress bar in pixels.</summary>
        public const int BarHeight = 6;

        /// <summary>Pixels per font pixel of the captions.</summary>
        public const int TextScale = 2;

        /// <summary>Height of the caption band above the panels: the status line and the panel labels.</summary>
        public const int HeaderHeight = (2 * BitmapFont.GlyphHeight * TextScale) + 10;

        private readonly GL _gl;
        private readonly SharedLatentTexture _latents;
        private readonly SharedLatentTexture _predicted;
        private readonly LatentRenderer _renderer;
        private readonly TextRenderer _text;
        private readonly TextLabel _status;
        private readonly TextLabel _leftLabel;
        private readonly TextLabel _rightLabel;
        private SharedLatentTexture? _decodedLatents;
        private SharedLatentTexture? _decodedPredicted;
        private float[] _decoded = Array.Empty<float>();
        private int _index;
        private int _count;
        private float _timestep;
        private TimeSpan _stepTime;
        private bool _disposed;

        /// <summary>Creates the textures and the shader. The context must be current on this thread.</summary>
        public DenoiseViewRenderer(GL gl)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            _latents = new SharedLatentTexture(gl);
            _predicted = new SharedLatentTexture(gl);
            _renderer = new LatentRenderer(gl);
            _text = new TextRenderer(gl);
            _status = new TextLabel(gl);
            _leftLabel = new TextLabel(gl);
            _rightLabel = new TextLabel(gl);
            _leftLabel.SetText("x_t (noisy sample)");
            _rightLabel.SetText("predicted x0");
        }

        /// <summary>Decodes latents to pixels for <see cref="LatentView.Decoded"/> (see <see cref="Upload(DenoisingFrame, bool)"/>); null for none.</summary>
        public IPreviewDecoder? Decoder { get; set; }

        /// <summary>Sequence number of the frame whose decoded pixels are uploaded (0: none).</summary>
        public long DecodedSequence { get; private set; }

        /// <summary>Text at the start of the caption line, e.g. "dungeon-textures  seed 7"; null or empty for none.</summary>
        public string? Caption { get; set; }

        /// <summary>The texture with x_t of the frame uploaded last (see its thread rules).</summary>
        public SharedLatentTexture Latents => _latents;

        /// <summary>The texture with the predicted x0 of the frame uploaded last.</summary>
        public SharedLatentTexture PredictedOriginal => _predicted;

        /// <summary>True once a frame was uploaded.</summary>
        public bool HasFrame => _predicted.Items > 0;

        /// <summary>Uploads both tensors of <paramref name="frame"/> and remembers its step for the progress bar.</summary>
        public void Upload(DenoisingFrame frame) => Upload(frame, decode: false);

        /// <summary>
        /// As <see cref="Upload(DenoisingFrame)"/>; with <paramref name="decode"/>, also runs <see cref="Decoder"/> on x_t and
        /// x0 (when the frame has its latent channel count) and uploads the pixels for <see cref="LatentView.Decoded"/>.
        /// </summary>
        public void Upload(DenoisingFrame frame, bool decode)
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
            _timestep = frame.Timestep;
            _stepTime = frame.StepTime;
            if (decode && Decoder != null && frame.Channels == Decoder.LatentChannels)
            {
                int scale = Decoder.Scale;
                int length = frame.Batch * 3 * frame.Height * scale * frame.Width * scale;
                if (_decoded.Length != length)
                {
                    _decoded = new float[length];
                }

                _decodedLatents ??= new SharedLatentTexture(_gl);
                _decodedPredicted ??= new SharedLatentTexture(_gl);
                Decoder.Decode(frame.Latents, frame.Batch, frame.Height, frame.Width, _decoded);
                _decodedLatents.Update(_decoded, frame.Batch, 3, frame.Height * scale, frame.Width * scale);
                Decoder.Decode(frame.PredictedOriginal, frame.Batch, frame.Height, frame.Width, _decoded);
                _decodedPredicted.Update(_decoded, frame.Batch, 3, frame.Height * scale, frame.Width * scale);
                DecodedSequence = frame.Sequence;
            }
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
            int areaH = Math.Max(1, height - (3 * Margin) - BarHeight - HeaderHeight);
            double scale = Math.Min((double)areaW / contentW, (double)areaH / contentH);
            if (scale >= 1)
            {
                scale = Math.Floor(scale);
            }

            int panelW = Math.Max(1, (int)(contentW * scale)), panelH = Math.Max(1, (int)(contentH * scale));
            int y = Margin + HeaderHeight + ((areaH - panelH) / 2);
            int leftX = Margin + ((areaW - panelW) / 2);
            int rightX = (2 * Margin) + areaW + ((areaW - panelW) / 2);
            return ((leftX, y, panelW, panelH), (rightX, y, panelW, panelH));
        }

        /// <summary>The framebuffer size at which <see cref="Layout"/> scales the uploaded frame by <paramref name="scale"/>.</summary>
        public (int Width, int Height) SizeFor(int scale)
        {
            int contentW = Math.Max(1, _predicted.Width) * scale, contentH = Math.Max(1, _predicted.Height) * scale;
            return ((2 * contentW) + (3 * Margin), contentH + (3 * Margin) + BarHeight + HeaderHeight);
        }

        /// <summary>
        /// Clears the bound framebuffer (<paramref name="width"/> x <paramref name="height"/>) and draws both panels with
        /// <paramref name="style"/> and the progress bar. Draws only the background before the first upload.
        /// </summary>
        public void Render(int width, int height, LatentStyle style) => Render(width, height, style, null);

        /// <summary>As <see cref="Render(int, int, LatentStyle)"/>, with <paramref name="note"/> (e.g. "paused") at the end of the caption line.</summary>
        public void Render(int width, int height, LatentStyle style, string? note)
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
            SharedLatentTexture shownLatents = _latents, shownPredicted = _predicted;
            LatentStyle drawStyle = style;
            if (style.View == LatentView.Decoded)
            {
                bool decoded = _decodedPredicted != null && DecodedSequence == _predicted.Sequence;
                shownLatents = decoded ? _decodedLatents! : _latents;
                shownPredicted = decoded ? _decodedPredicted! : _predicted;
                drawStyle = new LatentStyle
                {
                    View = LatentView.Image,
                    Encoding = decoded ? LatentEncoding.Pixels : style.Encoding,
                    Gap = style.Gap,
                    FalseColorRange = style.FalseColorRange,
                    Background = style.Background,
                };
            }

            _renderer.Draw(shownLatents, left.X, height - left.Y - left.Height, left.Width, left.Height, drawStyle);
            _renderer.Draw(shownPredicted, right.X, height - right.Y - right.Height, right.Width, right.Height, drawStyle);

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

            string status = string.Format(
                System.Globalization.CultureInfo.InvariantCulture,
                "{0}step {1}/{2}  t={3:0.#}  {4:F0} ms/step  {5}{6}",
                string.IsNullOrEmpty(Caption) ? string.Empty : Caption + "  ",
                _index + 1,
                _count,
                _timestep,
                _stepTime.TotalMilliseconds,
                style.View.ToString().ToLowerInvariant(),
                string.IsNullOrEmpty(note) ? string.Empty : "  " + note);
            _status.SetText(status);
            int lineHeight = BitmapFont.GlyphHeight * TextScale;
            _text.Draw(_status, Margin, Margin, TextScale, height, (0.85f, 0.86f, 0.88f));
            _text.Draw(_leftLabel, left.X, left.Y - lineHeight - 4, TextScale, height, (0.55f, 0.57f, 0.6f));
            _text.Draw(_rightLabel, right.X, right.Y - lineHeight - 4, TextScale, height, (0.55f, 0.57f, 0.6f));
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
            _decodedLatents?.Dispose();
            _decodedPredicted?.Dispose();
            _status.Dispose();
            _leftLabel.Dispose();
            _rightLabel.Dispose();
            _text.Dispose();
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
