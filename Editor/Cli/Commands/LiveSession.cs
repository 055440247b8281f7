using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// What <c>generate --live</c> and <c>view</c> attach to a stream of frames: a recorder that keeps every step in the
    /// run folder (for <c>livediffusion view</c>), and a window when a display exists. Without one, the recorded steps
    /// are drawn headless (a PNG per step and a contact sheet) once the generation ends: the recorder only copies
    /// bytes, so on a small machine the denoiser keeps the CPU while it runs, and no step is skipped.
    /// </summary>
    internal sealed class LiveSession : IDisposable
    {
        /// <summary>The run file beside the frames: model, seed, encoding.</summary>
        public const string RunFileName = "run.json";

        private readonly DenoisingFrameRecorder? _recorder;
        private readonly LiveViewer? _viewer;
        private readonly LiveViewerOptions _options;
        private readonly CancellationTokenSource _cancel;
        private (long Written, IReadOnlyList<string> ContactSheets)? _headless;

        private LiveSession(DenoisingFrameChannel channel, string folder, DenoisingFrameRecorder? recorder, LiveViewer? viewer, LiveViewerOptions options, CancellationToken userCancel)
        {
            Channel = channel;
            Folder = folder;
            _recorder = recorder;
            _viewer = viewer;
            _options = options;
            _cancel = viewer != null
                ? CancellationTokenSource.CreateLinkedTokenSource(userCancel, viewer.Closed)
                : CancellationTokenSource.CreateLinkedTokenSource(userCancel);
        }

        /// <summary>The channel to publish steps into.</summary>
        public DenoisingFrameChannel Channel { get; }

        /// <summary>The run folder (frames, run.json, headless PNGs).</summary>
        public string Folder { get; }

        /// <summary>Cancelled by Ctrl+C or by closing the window.</summary>
        public CancellationToken Token => _cancel.Token;

        /// <summary>True when frames go to a window.</summary>
        public bool Windowed => _viewer != null;

        /// <summary>True when a display is available: $DISPLAY or $WAYLAND_DISPLAY is set.</summary>
        public static bool HasDisplay =>
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

        /// <summary>
        /// Starts the consumers: the recorder, and a window unless <paramref name="headless"/> or there is no display (or
        /// it cannot open).
        /// </summary>
        public static LiveSession Start(string folder, LiveViewerOptions options, bool headless, CancellationToken userCancel, IDictionary<string, string>? run = null)
        {
            Directory.CreateDirectory(folder);
            if (run != null)
            {
                File.WriteAllText(Path.Combine(folder, RunFileName), JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
            }

            // 8 slots: the window and the recorder each hold at most one; the recorder can fall 5 steps behind and miss nothing.
            var channel = new DenoisingFrameChannel(8);
            var recorder = new DenoisingFrameRecorder(channel, Path.Combine(folder, DenoisingFrameFormat.FileName));
            LiveViewer? viewer = null;
            if (!headless && HasDisplay)
            {
                try
                {
                    viewer = LiveViewer.Open(channel, options);
                }
                catch (Exception e) when (e is InvalidOperationException || e is DllNotFoundException)
                {
                    Console.Error.WriteLine($"warning: no live window ({e.Message}); writing headless frames instead.");
                }
            }

            return new LiveSession(channel, folder, recorder, viewer, options, userCancel);
        }

        /// <summary>
        /// Ends the stream, waits for the window to close (after its linger, or when the user closes it with --hold) and
        /// for the recording; without a window, draws every recorded step headless.
        /// </summary>
        public void Finish()
        {
            Channel.Complete();
            _viewer?.WaitForExit(System.Threading.Timeout.InfiniteTimeSpan);
            _recorder?.WaitForCompletion(System.Threading.Timeout.InfiniteTimeSpan);
            if (_viewer == null && _recorder != null)
            {
                _headless = HeadlessFrameWriter.WriteRecording(_recorder.Path, Folder, _options);
            }
        }

        /// <summary><see cref="Finish"/>es, then writes <see cref="Report"/> to <paramref name="output"/>.</summary>
        public void FinishAndReport(TextWriter output)
        {
            Finish();
            foreach (string line in Report())
            {
                output.WriteLine(line);
            }
        }

        /// <summary>One line per thing written, for the command's report.</summary>
        private IEnumerable<string> Report()
        {
            if (_viewer != null)
            {
                yield return $"live window: showed {_viewer.FramesShown} of {Channel.Published} steps";
            }

            if (_headless.HasValue)
            {
                yield return $"step frames (headless): {_headless.Value.Written} of {Channel.Published} steps in {Path.Combine(Folder, "frames")}";
                foreach (string sheet in _headless.Value.ContactSheets)
                {
                    yield return $"steps contact sheet: {sheet}";
                }
            }

            if (_recorder != null)
            {
                yield return $"recorded {_recorder.Recorded} steps{(_recorder.Missed > 0 ? $" ({_recorder.Missed} left the ring before the recorder reached them)" : string.Empty)}: {_recorder.Path} (replay: livediffusion view {Folder})";
            }
        }

        /// <summary>Stops every consumer.</summary>
        public void Dispose()
        {
            Channel.Complete();
            _viewer?.Dispose();
            _recorder?.Dispose();
            _cancel.Dispose();
            Channel.Dispose();
        }

        /// <summary>Parses a view name for --view.</summary>
        public static LatentView ParseView(string name) => name.ToLowerInvariant() switch
        {
            "image" => LatentView.Image,
            "channels" => LatentView.Channels,
            "tiled" => LatentView.Tiled,
            "decoded" => LatentView.Decoded,
            _ => throw new ArgumentException($"--view {name}: use image, channels, tiled or decoded."),
        };

        /// <summary>Parses an encoding name as run.json stores it.</summary>
        public static LatentEncoding ParseEncoding(string name) => name.ToLowerInvariant() switch
        {
            "pixels" => LatentEncoding.Pixels,
            "sd1" => LatentEncoding.StableDiffusion1,
            _ => throw new ArgumentException($"encoding '{name}': use pixels or sd1."),
        };
    }
}
