#nullable enable
using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// Everything an engine component or editor window does with a model, minus the engine calls: start a generation
    /// (cancelling one still running), and once per rendered frame <see cref="Tick"/> to learn whether there is a new
    /// step to upload (from <see cref="Feed"/>) and whether the generation ended. The host only turns
    /// <see cref="Feed"/>'s bytes (and <see cref="FinalRgba"/>) into textures. Main thread only.
    /// </summary>
    public sealed class LiveTextureSession : IDisposable
    {
        private readonly int _tiles;
        private readonly LatentEncoding _encoding;
        private readonly bool _bottomRowFirst;
        private bool _ended = true;

        /// <summary>A session on <paramref name="generator"/> (which it disposes); see <see cref="LiveTextureFeed"/> for the other settings.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
        public LiveTextureSession(TextureGenerator generator, int tiles = 1, LatentEncoding encoding = LatentEncoding.Pixels, bool bottomRowFirst = true)
        {
            Generator = generator ?? throw new ArgumentNullException(nameof(generator));
            _tiles = tiles;
            _encoding = encoding;
            _bottomRowFirst = bottomRowFirst;
        }

        /// <summary>The model.</summary>
        public TextureGenerator Generator { get; }

        /// <summary>The current or last generation; null before the first.</summary>
        public TextureGenerationJob? Job { get; private set; }

        /// <summary>The current or last generation's frames as texture bytes; null before the first.</summary>
        public LiveTextureFeed? Feed { get; private set; }

        /// <summary>Whether a generation is running.</summary>
        public bool IsRunning => Job != null && !_ended;

        /// <summary>The textures of the last finished generation.</summary>
        public GeneratedTextures? LastResult { get; private set; }

        /// <summary>Why the last generation failed; null when it did not.</summary>
        public Exception? LastError { get; private set; }

        /// <summary>The first texture of <see cref="LastResult"/> as RGBA (bottom row first as the session was made), for the final upload; empty before.</summary>
        public byte[] FinalRgba { get; private set; } = Array.Empty<byte>();

        /// <summary>
        /// Starts generating <paramref name="request"/>, cancelling (and waiting for) a generation still running.
        /// <paramref name="frameCapacity"/>: slots of the frame ring (see <see cref="DenoisingFrameChannel"/>).
        /// </summary>
        public void Start(TextureRequest request, int frameCapacity = DenoisingFrameChannel.DefaultCapacity)
        {
            Job?.Dispose();
            LastError = null;
            Job = TextureGenerationJob.Start(Generator, request, frameCapacity);
            Feed = new LiveTextureFeed(Job.Frames, _encoding, 0, _tiles, _bottomRowFirst);
            _ended = false;
        }

        /// <summary>Asks a running generation to stop; the next <see cref="Tick"/> that sees it end says <see cref="LiveTick.Cancelled"/>.</summary>
        public void Cancel() => Job?.Cancel();

        /// <summary>Call once per rendered frame: converts the newest step if one arrived, and reports the end of the generation once.</summary>
        public LiveTick Tick()
        {
            if (Job == null || Feed == null || _ended)
            {
                return LiveTick.None;
            }

            bool completed = Job.IsCompleted; // read first: every frame published before the end is then in the channel
            LiveTick tick = Feed.Poll() ? LiveTick.Frame : LiveTick.None;
            if (!completed)
            {
                return tick;
            }

            _ended = true;
            if (Job.Result is GeneratedTextures result)
            {
                LastResult = result;
                FinalRgba = new byte[FrameRgba.ByteCount(result.Images[0].Width, result.Images[0].Height)];
                FrameRgba.Write(result.Images[0], FinalRgba, _bottomRowFirst);
                return tick | LiveTick.Finished;
            }

            LastError = Job.Error;
            return tick | (Job.IsCancelled ? LiveTick.Cancelled : LiveTick.Failed);
        }

        /// <summary>Cancels a running generation, waits for it, and disposes the model.</summary>
        public void Dispose()
        {
            Job?.Dispose();
            Generator.Dispose();
        }
    }
}
