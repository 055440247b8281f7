using System;
using System.Collections.Generic;
using System.IO;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Rendering.Gl;
using LiveDiffusion.Rendering.Preview;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>
    /// Draws frames with <see cref="DenoiseViewRenderer"/> into an offscreen framebuffer and writes each as a PNG, and
    /// x0 of every frame into contact sheets, one per generation. The GL part of <see cref="HeadlessFrameWriter"/>;
    /// lives on the thread of the context it was created with.
    /// </summary>
    internal sealed class StepImageWriter : IDisposable
    {
        private readonly GL _gl;
        private readonly string _folder;
        private readonly LiveViewerOptions _options;
        private readonly int _scale;
        private readonly DenoiseViewRenderer _renderer;
        private readonly List<RgbImage> _generation = new List<RgbImage>();
        private readonly List<string> _contactSheets = new List<string>();
        private OffscreenTarget? _target;
        private OffscreenTarget? _sheetTarget;
        private int _lastIndex = int.MaxValue;

        public StepImageWriter(GL gl, string folder, LiveViewerOptions options, int scale)
        {
            _gl = gl;
            _folder = folder;
            _options = options;
            _scale = scale;
            Directory.CreateDirectory(Path.Combine(folder, "frames"));
            _renderer = new DenoiseViewRenderer(gl) { Caption = options.Caption, Decoder = options.Decoder };
        }

        public long Written { get; private set; }

        public IReadOnlyList<string> ContactSheets => _contactSheets;

        /// <summary>Draws <paramref name="frame"/>, writes <c>frames/frame-SSSS-step-KKofNN.png</c>, keeps its x0 for the contact sheet.</summary>
        public void Write(DenoisingFrame frame)
        {
            if (frame.Index <= _lastIndex && _generation.Count > 0)
            {
                WriteContactSheet();
            }

            _lastIndex = frame.Index;
            _renderer.Upload(frame, decode: _options.View == LatentView.Decoded);
            LatentStyle style = _options.Style(_options.View, frame.Batch);
            int contentW = _renderer.PredictedOriginal.Width, contentH = _renderer.PredictedOriginal.Height;
            int scale = _scale > 0 ? _scale : Math.Max(1, 256 / Math.Max(contentW, contentH));
            var (width, height) = _renderer.SizeFor(scale);
            if (_target == null || _target.Width != width || _target.Height != height)
            {
                _target?.Dispose();
                _target = new OffscreenTarget(_gl, width, height);
            }

            _target.Bind();
            _renderer.Render(width, height, style);
            RgbImage image = _target.ReadImage();
            PngFile.Write(Path.Combine(_folder, "frames", $"frame-{frame.Sequence:D4}-step-{frame.Index + 1:D2}of{frame.Count:D2}.png"), image);
            Written++;
            if (_options.FrameShown != null)
            {
                var (left, right) = _renderer.Layout(width, height);
                var shown = new DenoisingFrame();
                shown.CopyFrom(frame);
                _options.FrameShown(new ShownFrame(shown, image, style.View, left, right));
            }

            // The contact sheet cell: x0 alone, about 128 pixels on its longer side.
            int cellScale = Math.Max(1, 128 / Math.Max(contentW, contentH));
            int cellW = contentW * cellScale, cellH = contentH * cellScale;
            if (_sheetTarget == null || _sheetTarget.Width != cellW || _sheetTarget.Height != cellH)
            {
                if (_generation.Count > 0)
                {
                    WriteContactSheet();
                }

                _sheetTarget?.Dispose();
                _sheetTarget = new OffscreenTarget(_gl, cellW, cellH);
            }

            _sheetTarget.Bind();
            _renderer.RenderPredictedOriginal(cellW, cellH, style);
            _generation.Add(_sheetTarget.ReadImage());
        }

        /// <summary>Writes the contact sheet of the current generation, if it has frames.</summary>
        public void Finish()
        {
            if (_generation.Count > 0)
            {
                WriteContactSheet();
            }
        }

        public void Dispose()
        {
            _target?.Dispose();
            _sheetTarget?.Dispose();
            _renderer.Dispose();
        }

        private void WriteContactSheet()
        {
            string file = Path.Combine(_folder, _contactSheets.Count == 0 ? "steps-contact-sheet.png" : $"steps-contact-sheet-{_contactSheets.Count + 1}.png");
            PngFile.Write(file, ContactSheet.Compose(_generation, columns: Math.Min(_generation.Count, 10), gap: 4));
            _contactSheets.Add(file);
            _generation.Clear();
        }
    }
}
