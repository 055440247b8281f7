using System;
using System.Globalization;
using System.IO;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Gl;
using LiveDiffusion.Rendering.Platform;
using LiveDiffusion.Rendering.Preview;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>
    /// A window that shows a generation step by step as it runs: x_t on the left, the predicted x0 on the right, the
    /// step, timestep and milliseconds per step in the title. It consumes a <see cref="DenoisingFrameChannel"/> on
    /// its own thread, which owns the GLFW window and its OpenGL context: every GL call happens there, and the
    /// denoise loop never waits for it.
    /// </summary>
    /// <remarks>
    /// Keys: <c>1</c> image, <c>2</c> channels in false colour, <c>3</c> tiled 3x3, <c>4</c> decoded when
    /// <see cref="LiveViewerOptions.Decoder"/> is set (<c>Tab</c> cycles); <c>Space</c>
    /// pauses the display (the generation goes on); <c>S</c> saves the current frame as PNG into
    /// <see cref="LiveViewerOptions.SaveFolder"/>; <c>Escape</c> or <c>Q</c> closes. Closing the window (or those keys)
    /// cancels <see cref="Closed"/>: pass it to the generation to stop it. When the channel completes, the final
    /// frame stays for <see cref="LiveViewerOptions.Linger"/> (or until closed with
    /// <see cref="LiveViewerOptions.HoldAfterCompletion"/>) and the window closes without cancelling.
    /// GLFW allows windows on one thread at a time: while a viewer is open, open no GlfwWindow on another thread.
    /// </remarks>
    public sealed class LiveViewer : IDisposable
    {
        private readonly LatentView[] _views;

        private readonly DenoisingFrameChannel _channel;
        private readonly LiveViewerOptions _options;
        private readonly Thread _thread;
        private readonly ManualResetEventSlim _opened = new ManualResetEventSlim(false);
        private readonly CancellationTokenSource _closed = new CancellationTokenSource();
        private volatile bool _closeRequested;
        private Exception? _error;
        private LatentView _view;
        private bool _paused;
        private bool _saveRequested;
        private bool _dirty = true;
        private long _shown;
        private volatile GlfwWindow? _window;

        private LiveViewer(DenoisingFrameChannel channel, LiveViewerOptions options)
        {
            _channel = channel;
            _options = options;
            _view = options.View;
            _views = options.Decoder != null
                ? new[] { LatentView.Image, LatentView.Channels, LatentView.Tiled, LatentView.Decoded }
                : new[] { LatentView.Image, LatentView.Channels, LatentView.Tiled };
            if (Array.IndexOf(_views, _view) < 0)
            {
                _view = LatentView.Image;
            }

            _thread = new Thread(Run) { IsBackground = true, Name = "LiveDiffusion viewer" };
        }

        /// <summary>Cancelled when the user closes the window (or presses Escape or Q): the signal to cancel the generation.</summary>
        public CancellationToken Closed => _closed.Token;

        /// <summary>The GLFWwindow pointer while the window is open (tests send it window-manager events), else zero.</summary>
        internal IntPtr NativeWindow => _window?.Handle ?? IntPtr.Zero;

        /// <summary>Frames drawn so far (new frames, not redraws).</summary>
        public long FramesShown => Interlocked.Read(ref _shown);

        /// <summary>
        /// Opens the viewer window on a new thread and returns once it is open.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="InvalidOperationException">
        /// The window could not be opened (no display, no OpenGL 3.3, GLFW in use on another thread); the message says
        /// why and how to fix it. <see cref="DllNotFoundException"/> when libglfw3 is missing.
        /// </exception>
        public static LiveViewer Open(DenoisingFrameChannel channel, LiveViewerOptions? options = null)
        {
            var viewer = new LiveViewer(channel ?? throw new ArgumentNullException(nameof(channel)), options ?? new LiveViewerOptions());
            viewer._thread.Start();
            viewer._opened.Wait();
            if (viewer._error != null)
            {
                viewer._thread.Join();
                Exception error = viewer._error;
                viewer.Dispose();
                if (error is DllNotFoundException)
                {
                    throw error;
                }

                throw new InvalidOperationException("The live viewer could not open its window: " + error.Message, error);
            }

            return viewer;
        }

        /// <summary>Asks the window to close (from any thread) without cancelling <see cref="Closed"/>.</summary>
        public void Close() => _closeRequested = true;

        /// <summary>Waits until the window has closed (after completion, or by the user).</summary>
        /// <returns>False when <paramref name="timeout"/> passed first.</returns>
        /// <exception cref="InvalidOperationException">The viewer thread failed while drawing; the inner exception says how.</exception>
        public bool WaitForExit(TimeSpan timeout)
        {
            if (!_thread.Join(timeout))
            {
                return false;
            }

            if (_error != null)
            {
                throw new InvalidOperationException("The live viewer failed: " + _error.Message, _error);
            }

            return true;
        }

        /// <summary>Closes the window and waits for the viewer thread.</summary>
        public void Dispose()
        {
            _closeRequested = true;
            if (_thread.IsAlive)
            {
                _thread.Join();
            }

            _opened.Dispose();
            _closed.Dispose();
        }

        private void Run()
        {
            GlfwWindow? window = null;
            DenoiseViewRenderer? renderer = null;
            bool userClosed = false;
            try
            {
                if (_options.ThreadNice > 0)
                {
                    LibcNativeMethods.TryNiceCurrentThread(Math.Min(_options.ThreadNice, 19));
                }

                window = new GlfwWindow(_options.Title, _options.Width, _options.Height, visible: true);
                _window = window;
                window.SetSwapInterval(1);
                renderer = new DenoiseViewRenderer(window.Gl) { Caption = _options.Caption, Decoder = _options.Decoder };
                window.KeyChanged += OnKey;
                window.FramebufferResized += (w, h) => _dirty = true;
                _opened.Set();
                _options.Log?.Invoke("viewer keys: 1 image, 2 channels, 3 tiled (Tab cycles), Space pause, S save frame, Esc/Q close and cancel");

                long seen = 0;
                long completedAt = 0;
                DenoisingFrame? copy = _options.FrameShown != null ? new DenoisingFrame() : null;
                DenoisingFrame? last = null;
                while (true)
                {
                    window.PollEvents();
                    if (window.ShouldClose)
                    {
                        userClosed = true;
                        break;
                    }

                    if (_closeRequested)
                    {
                        break;
                    }

                    bool fresh = false;
                    if (!_paused && _channel.TryLease(seen, out DenoisingFrameLease lease))
                    {
                        using (lease)
                        {
                            renderer.Upload(lease.Frame, decode: _view == LatentView.Decoded);
                            seen = lease.Frame.Sequence;
                            copy?.CopyFrom(lease.Frame);
                            last ??= new DenoisingFrame();
                            last.CopyFrom(lease.Frame);
                        }

                        fresh = true;
                        Interlocked.Increment(ref _shown);
                        window.SetTitle(Title(last));
                    }

                    if (fresh || _dirty || _saveRequested)
                    {
                        var (width, height) = window.FramebufferSize;
                        LatentView view = _view;
                        if (view == LatentView.Decoded && last != null && renderer.DecodedSequence != last.Sequence)
                        {
                            renderer.Upload(last, decode: true); // switched to the decoded view on a frame shown before
                        }

                        string? note = _paused ? "paused" : _channel.IsCompleted && seen >= _channel.Published ? "done" : null;
                        renderer.Render(width, height, _options.Style(view, renderer.PredictedOriginal.Items), note);
                        if ((fresh && copy != null) || _saveRequested)
                        {
                            RgbImage image = FramebufferReader.Read(window.Gl, width, height);
                            if (_saveRequested && last != null)
                            {
                                Save(image, last, view);
                            }

                            if (fresh && copy != null)
                            {
                                var (left, right) = renderer.Layout(width, height);
                                var shown = new DenoisingFrame();
                                shown.CopyFrom(copy);
                                _options.FrameShown!(new ShownFrame(shown, image, view, left, right));
                            }
                        }

                        _saveRequested = false;
                        if (_dirty && last != null)
                        {
                            window.SetTitle(Title(last));
                        }

                        _dirty = false;
                        window.SwapBuffers();
                    }

                    if (_channel.IsCompleted && seen >= _channel.Published)
                    {
                        long now = Environment.TickCount64;
                        if (completedAt == 0)
                        {
                            // Redraw once so the caption says "done", then linger.
                            completedAt = now;
                            _dirty = true;
                            continue;
                        }

                        if (!_options.HoldAfterCompletion && now - completedAt >= _options.Linger.TotalMilliseconds)
                        {
                            break;
                        }

                        Thread.Sleep(15);
                    }
                    else if (_paused)
                    {
                        Thread.Sleep(15);
                    }
                    else if (!fresh)
                    {
                        _channel.WaitForFrame(seen, TimeSpan.FromMilliseconds(15));
                    }
                }
            }
            catch (Exception e)
            {
                _error = e;
            }
            finally
            {
                renderer?.Dispose();
                _window = null;
                window?.Dispose();
                if (userClosed)
                {
                    _closed.Cancel();
                }

                _opened.Set();
            }
        }

        private string Title(DenoisingFrame frame)
        {
            var text = new System.Text.StringBuilder(_options.Title);
            if (_options.Model != null)
            {
                text.Append(" - ").Append(_options.Model);
            }

            if (_options.Seed != null)
            {
                text.Append(" - seed ").Append(_options.Seed);
            }

            text.Append(string.Format(CultureInfo.InvariantCulture, " - step {0}/{1}, t={2:0.#}, {3:F0} ms/step", frame.Index + 1, frame.Count, frame.Timestep, frame.StepTime.TotalMilliseconds));
            text.Append(" - ").Append(_view.ToString().ToLowerInvariant());
            if (_paused)
            {
                text.Append(" - paused");
            }
            else if (_channel.IsCompleted && frame.Sequence >= _channel.Published)
            {
                text.Append(" - done");
            }

            return text.ToString();
        }

        private void Save(RgbImage image, DenoisingFrame frame, LatentView view)
        {
            string file = Path.Combine(_options.SaveFolder, $"viewer-{frame.Sequence:D4}-step-{frame.Index + 1:D2}of{frame.Count:D2}-{view.ToString().ToLowerInvariant()}.png");
            PngFile.Write(file, image);
            _options.Log?.Invoke("saved " + Path.GetFullPath(file));
        }

        private void OnKey(KeyEvent e)
        {
            if (e.Action != KeyAction.Press)
            {
                return;
            }

            switch (e.Key)
            {
                case Key.D1:
                case Key.D2:
                case Key.D3:
                case Key.D4:
                    if (e.Key - Key.D1 < _views.Length)
                    {
                        _view = _views[e.Key - Key.D1];
                        _dirty = true;
                    }

                    break;
                case Key.Tab:
                    _view = _views[(Array.IndexOf(_views, _view) + 1) % _views.Length];
                    _dirty = true;
                    break;
                case Key.Space:
                    _paused = !_paused;
                    _dirty = true;
                    break;
                case Key.S:
                    _saveRequested = true;
                    break;
                case Key.Escape:
                case Key.Q:
                    // As the close button: the loop sees ShouldClose and cancels the generation.
                    _window!.ShouldClose = true;
                    break;
            }
        }
    }
}
