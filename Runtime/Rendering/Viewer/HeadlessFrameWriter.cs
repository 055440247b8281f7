using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Rendering
{
    /// <summary>
    /// The viewer without a display: on its own thread with a headless EGL context, it draws every frame it gets from
    /// a <see cref="DenoisingFrameChannel"/> with the window viewer's renderer into an offscreen framebuffer and writes
    /// it as a PNG, and when the channel completes it writes a contact sheet of x0 at every step of each generation.
    /// </summary>
    /// <remarks>
    /// Files in <see cref="Folder"/>: <c>frames/frame-SSSS-step-KKofNN.png</c> (S: the frame's sequence number, x_t
    /// left and x0 right, progress bar under them) and <c>steps-contact-sheet.png</c> (x0 of each step in order; a run
    /// of several generations, told apart by the step index starting again, gets <c>steps-contact-sheet-2.png</c> and
    /// so on). Like every consumer it gets the newest frame; a frame replaced while the previous PNG was being written
    /// is skipped, which <see cref="Written"/> against the channel's <see cref="DenoisingFrameChannel.Published"/> shows.
    /// </remarks>
    public sealed class HeadlessFrameWriter : IDisposable
    {
        private readonly DenoisingFrameChannel _channel;
        private readonly LiveViewerOptions _options;
        private readonly int _scale;
        private readonly Thread _thread;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly List<string> _contactSheets = new List<string>();
        private Exception? _error;
        private long _written;

        /// <summary>Starts writing the frames of <paramref name="channel"/> into <paramref name="folder"/>.</summary>
        /// <param name="channel">The frames to draw.</param>
        /// <param name="folder">Output folder (created).</param>
        /// <param name="options">View, encoding and the optional <see cref="LiveViewerOptions.FrameShown"/> callback; the window fields are ignored.</param>
        /// <param name="scale">Pixels per texel in the frame PNGs; 0 picks a whole factor that makes each panel about 256 pixels.</param>
        /// <exception cref="ArgumentNullException"><paramref name="channel"/> or <paramref name="folder"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is negative.</exception>
        public HeadlessFrameWriter(DenoisingFrameChannel channel, string folder, LiveViewerOptions? options = null, int scale = 0)
        {
            _channel = channel ?? throw new ArgumentNullException(nameof(channel));
            if (folder == null)
            {
                throw new ArgumentNullException(nameof(folder));
            }

            if (scale < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale is pixels per texel: 1 or more, or 0 to pick one.");
            }

            Folder = Path.GetFullPath(folder);
            Directory.CreateDirectory(Path.Combine(Folder, "frames"));
            _options = options ?? new LiveViewerOptions();
            _scale = scale;
            _thread = new Thread(Run) { IsBackground = true, Name = "LiveDiffusion headless frame writer" };
            _thread.Start();
        }

        /// <summary>The output folder.</summary>
        public string Folder { get; }

        /// <summary>Frame PNGs written so far.</summary>
        public long Written => Interlocked.Read(ref _written);

        /// <summary>The contact sheets written at completion (one per generation), full paths.</summary>
        public IReadOnlyList<string> ContactSheets
        {
            get
            {
                lock (_contactSheets)
                {
                    return _contactSheets.ToArray();
                }
            }
        }

        /// <summary>Waits until the channel is completed and every file is written.</summary>
        /// <returns>False when <paramref name="timeout"/> passed first.</returns>
        /// <exception cref="InvalidOperationException">Rendering or writing failed (no EGL, disk full, ...); the inner exception says how.</exception>
        public bool WaitForCompletion(TimeSpan timeout)
        {
            if (!_thread.Join(timeout))
            {
                return false;
            }

            if (_error != null)
            {
                throw new InvalidOperationException($"Writing frames to {Folder} failed: {_error.Message}", _error);
            }

            return true;
        }

        /// <summary>Stops (whether or not the channel is complete); contact sheets of what was drawn are still written.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }

        private void Run()
        {
            var generation = new List<RgbImage>();
            int lastIndex = int.MaxValue;
            try
            {
                using var context = new HeadlessGlContext();
                using var renderer = new DenoiseViewRenderer(context.Gl);
                OffscreenTarget? target = null;
                OffscreenTarget? sheetTarget = null;
                try
                {
                    long seen = 0;
                    var copy = new DenoisingFrame();
                    while (_channel.WaitForFrame(seen, Timeout.InfiniteTimeSpan, _stop.Token))
                    {
                        if (!_channel.TryReadLatest(seen, copy))
                        {
                            continue;
                        }

                        seen = copy.Sequence;
                        if (copy.Index <= lastIndex && generation.Count > 0)
                        {
                            WriteContactSheet(generation);
                        }

                        lastIndex = copy.Index;
                        renderer.Upload(copy);
                        LatentStyle style = _options.Style(_options.View, copy.Batch);
                        int scale = _scale > 0 ? _scale : Math.Max(1, 256 / Math.Max(renderer.PredictedOriginal.Width, renderer.PredictedOriginal.Height));
                        var (width, height) = renderer.SizeFor(scale);
                        if (target == null || target.Width != width || target.Height != height)
                        {
                            target?.Dispose();
                            target = new OffscreenTarget(context.Gl, width, height);
                        }

                        target.Bind();
                        renderer.Render(width, height, style);
                        RgbImage image = target.ReadImage();
                        string name = $"frame-{copy.Sequence:D4}-step-{copy.Index + 1:D2}of{copy.Count:D2}.png";
                        PngFile.Write(Path.Combine(Folder, "frames", name), image);
                        Interlocked.Increment(ref _written);
                        if (_options.FrameShown != null)
                        {
                            var (left, right) = renderer.Layout(width, height);
                            var shown = new DenoisingFrame();
                            shown.CopyFrom(copy);
                            _options.FrameShown(new ShownFrame(shown, image, style.View, left, right));
                        }

                        // The contact sheet cell: x0 alone, 2 pixels per texel for small textures.
                        int cellScale = Math.Max(1, 128 / Math.Max(renderer.PredictedOriginal.Width, renderer.PredictedOriginal.Height));
                        int cellW = renderer.PredictedOriginal.Width * cellScale, cellH = renderer.PredictedOriginal.Height * cellScale;
                        if (sheetTarget == null || sheetTarget.Width != cellW || sheetTarget.Height != cellH)
                        {
                            if (generation.Count > 0)
                            {
                                WriteContactSheet(generation);
                            }

                            sheetTarget?.Dispose();
                            sheetTarget = new OffscreenTarget(context.Gl, cellW, cellH);
                        }

                        sheetTarget.Bind();
                        renderer.RenderPredictedOriginal(cellW, cellH, style);
                        generation.Add(sheetTarget.ReadImage());
                    }
                }
                finally
                {
                    target?.Dispose();
                    sheetTarget?.Dispose();
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                _error = e;
            }

            if (generation.Count > 0 && _error == null)
            {
                try
                {
                    WriteContactSheet(generation);
                }
                catch (IOException e)
                {
                    _error = e;
                }
            }
        }

        private void WriteContactSheet(List<RgbImage> cells)
        {
            string file;
            lock (_contactSheets)
            {
                file = Path.Combine(Folder, _contactSheets.Count == 0 ? "steps-contact-sheet.png" : $"steps-contact-sheet-{_contactSheets.Count + 1}.png");
                _contactSheets.Add(file);
            }

            PngFile.Write(file, ContactSheet.Compose(cells, columns: Math.Min(cells.Count, 10), gap: 4));
            cells.Clear();
        }
    }
}
