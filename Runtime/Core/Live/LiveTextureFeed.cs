#nullable enable
using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Preview;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// The engine's side of a live generation: once per rendered frame, on the main thread, <see cref="Poll"/> looks
    /// at the frame channel and, when a newer step has arrived, turns it into RGBA bytes ready for one texture upload
    /// each (x0, x_t and optionally a tiled x0). At most one step per call is converted, and it is always the newest:
    /// steps that arrive between two rendered frames are never shown (<see cref="Superseded"/> counts them), so the
    /// main thread's cost is bounded by its frame rate, not by the denoiser's speed, and the denoiser never waits
    /// (the frame is borrowed from the channel's ring while it is converted).
    /// </summary>
    /// <remarks>Not thread-safe: one consumer thread (the engine's main thread) calls <see cref="Poll"/>.</remarks>
    public sealed class LiveTextureFeed
    {
        private readonly DenoisingFrameChannel _channel;
        private readonly LatentEncoding _encoding;
        private readonly int _item;
        private readonly int _tiles;
        private readonly bool _bottomRowFirst;
        private long _seen;

        /// <summary>
        /// Shows batch item <paramref name="item"/> of <paramref name="channel"/>'s frames, coloured by
        /// <paramref name="encoding"/>, stored bottom row first when <paramref name="bottomRowFirst"/> (Unity), with a
        /// <paramref name="tiles"/> x <paramref name="tiles"/> tiled copy of x0 when <paramref name="tiles"/> is over 1.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="channel"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is negative or <paramref name="tiles"/> is not 1 to 8.</exception>
        public LiveTextureFeed(DenoisingFrameChannel channel, LatentEncoding encoding = LatentEncoding.Pixels, int item = 0, int tiles = 1, bool bottomRowFirst = true)
        {
            _channel = channel ?? throw new ArgumentNullException(nameof(channel));
            _item = item >= 0 ? item : throw new ArgumentOutOfRangeException(nameof(item), "The batch item must be 0 or more.");
            _tiles = tiles >= 1 && tiles <= 8 ? tiles : throw new ArgumentOutOfRangeException(nameof(tiles), "Tiles must be 1 to 8.");
            _encoding = encoding;
            _bottomRowFirst = bottomRowFirst;
        }

        /// <summary>x0 (the model's guess of the finished texture) of the newest step shown, RGBA; empty before the first.</summary>
        public byte[] PredictedOriginal { get; private set; } = Array.Empty<byte>();

        /// <summary>x_t (the noisy sample) of the newest step shown, RGBA; empty before the first.</summary>
        public byte[] Latents { get; private set; } = Array.Empty<byte>();

        /// <summary>x0 repeated <c>tiles</c> x <c>tiles</c> times, RGBA, when the feed was made with tiles over 1; else empty.</summary>
        public byte[] TiledPredictedOriginal { get; private set; } = Array.Empty<byte>();

        /// <summary>Width of <see cref="PredictedOriginal"/> and <see cref="Latents"/> in pixels (0 before the first step).</summary>
        public int Width { get; private set; }

        /// <summary>Height of <see cref="PredictedOriginal"/> and <see cref="Latents"/> in pixels (0 before the first step).</summary>
        public int Height { get; private set; }

        /// <summary>Step index (from 0) of the newest step shown; -1 before the first.</summary>
        public int Step { get; private set; } = -1;

        /// <summary>The generation's number of steps (0 before the first).</summary>
        public int StepCount { get; private set; }

        /// <summary>The diffusion timestep of the newest step shown.</summary>
        public float Timestep { get; private set; }

        /// <summary>Calls of <see cref="Poll"/> so far.</summary>
        public long Polls { get; private set; }

        /// <summary>Steps converted (each is one upload per texture for the engine).</summary>
        public long Updates { get; private set; }

        /// <summary>Steps published that this feed never showed, because a newer one had arrived by the next poll.</summary>
        public long Superseded { get; private set; }

        /// <summary>
        /// Converts the newest step if one arrived since the last call. Call once per rendered frame and upload the
        /// buffers when it returns true. The buffers are reused while the size stays the same.
        /// </summary>
        /// <returns>True when the buffers now hold a newer step.</returns>
        public bool Poll()
        {
            Polls++;
            if (!_channel.TryLease(_seen, out DenoisingFrameLease lease))
            {
                return false;
            }

            using (lease)
            {
                DenoisingFrame frame = lease.Frame;
                Superseded += Math.Max(0, frame.Sequence - _seen - 1);
                _seen = frame.Sequence;
                if (_item >= frame.Batch)
                {
                    return false;
                }

                Resize(frame.Width, frame.Height);
                FrameRgba.Write(frame, _item, predictedOriginal: true, _encoding, PredictedOriginal, 1, _bottomRowFirst);
                FrameRgba.Write(frame, _item, predictedOriginal: false, _encoding, Latents, 1, _bottomRowFirst);
                if (_tiles > 1)
                {
                    FrameRgba.Write(frame, _item, predictedOriginal: true, _encoding, TiledPredictedOriginal, _tiles, _bottomRowFirst);
                }

                Step = frame.Index;
                StepCount = frame.Count;
                Timestep = frame.Timestep;
            }

            Updates++;
            return true;
        }

        private void Resize(int width, int height)
        {
            if (width == Width && height == Height)
            {
                return;
            }

            Width = width;
            Height = height;
            PredictedOriginal = new byte[FrameRgba.ByteCount(width, height)];
            Latents = new byte[FrameRgba.ByteCount(width, height)];
            TiledPredictedOriginal = _tiles > 1 ? new byte[FrameRgba.ByteCount(width, height, _tiles)] : Array.Empty<byte>();
        }
    }
}
