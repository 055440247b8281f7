using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Rendering.Platform;

namespace LiveDiffusion.Rendering.Viewer
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
    /// so on). It takes the steps in order (<see cref="DenoisingFrameChannel.TryLeaseNext"/>) but, like every consumer,
    /// never holds the publisher back: a step that leaves the ring while PNGs are being written is skipped, which
    /// <see cref="Written"/> against the channel's <see cref="DenoisingFrameChannel.Published"/> shows. For every step
    /// without fail, record the channel with <see cref="DenoisingFrameRecorder"/> and draw the file afterwards with
    /// <see cref="WriteRecording"/> (what <c>livediffusion generate --live</c> does without a display).
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

        /// <summary>
        /// Draws every frame of a frame file (<see cref="DenoisingFrameFormat"/>, e.g. a run's <c>frames.ldframes</c>)
        /// into <paramref name="folder"/> as <see cref="HeadlessFrameWriter"/> does, on the calling thread, none skipped.
        /// </summary>
        /// <returns>How many frame PNGs were written and the contact sheets.</returns>
        /// <exception cref="FileNotFoundException">The frame file does not exist.</exception>
        /// <exception cref="InvalidDataException">The file holds something other than frame records (a cut-off last record is ignored: a killed run leaves one).</exception>
        public static (long Written, IReadOnlyList<string> ContactSheets) WriteRecording(string framesFile, string folder, LiveViewerOptions? options = null, int scale = 0)
        {
            if (!File.Exists(framesFile))
            {
                throw new FileNotFoundException($"No frame file at {framesFile}; `livediffusion generate --live` records one in <out>/live/{DenoisingFrameFormat.FileName}.", framesFile);
            }

            using var context = new HeadlessGlContext();
            using var writer = new StepImageWriter(context.Gl, Path.GetFullPath(folder), options ?? new LiveViewerOptions(), scale);
            using (FileStream stream = File.OpenRead(framesFile))
            {
                var frame = new DenoisingFrame();
                while (true)
                {
                    try
                    {
                        if (!DenoisingFrameFormat.TryRead(stream, frame))
                        {
                            break;
                        }
                    }
                    catch (InvalidDataException e) when (e.Message.Contains("ends inside"))
                    {
                        break;
                    }

                    writer.Write(frame);
                }
            }

            writer.Finish();
            return (writer.Written, writer.ContactSheets);
        }

        private void Run()
        {
            try
            {
                if (_options.ThreadNice > 0)
                {
                    LibcNativeMethods.TryNiceCurrentThread(Math.Min(_options.ThreadNice, 19));
                }

                using var context = new HeadlessGlContext();
                using var writer = new StepImageWriter(context.Gl, Folder, _options, _scale);
                try
                {
                    long seen = 0;
                    while (_channel.WaitForFrame(seen, Timeout.InfiniteTimeSpan, _stop.Token))
                    {
                        if (!_channel.TryLeaseNext(seen, out DenoisingFrameLease lease))
                        {
                            continue;
                        }

                        using (lease)
                        {
                            seen = lease.Frame.Sequence;
                            writer.Write(lease.Frame);
                        }

                        Interlocked.Increment(ref _written);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                finally
                {
                    writer.Finish();
                    lock (_contactSheets)
                    {
                        _contactSheets.AddRange(writer.ContactSheets);
                    }
                }
            }
            catch (Exception e)
            {
                _error = e;
            }
        }
    }
}
