#nullable enable
using System;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Frames
{
    /// <summary>
    /// A borrowed frame from <see cref="DenoisingFrameChannel.TryLease"/>: the publisher leaves <see cref="Frame"/>
    /// untouched until the lease is disposed. Dispose it exactly once (a <c>using</c> statement), and soon: a held lease
    /// keeps a slot of the ring from the publisher.
    /// </summary>
    public readonly struct DenoisingFrameLease : IDisposable
    {
        private readonly DenoisingFrameChannel? _channel;
        private readonly int _slot;

        internal DenoisingFrameLease(DenoisingFrameChannel channel, int slot, DenoisingFrame frame)
        {
            _channel = channel;
            _slot = slot;
            Frame = frame;
        }

        /// <summary>The leased frame; read it only until the lease is disposed.</summary>
        public DenoisingFrame Frame { get; }

        /// <summary>Returns the slot to the channel. Disposing a default (empty) lease does nothing.</summary>
        /// <exception cref="InvalidOperationException">This lease was already released.</exception>
        public void Dispose() => _channel?.Release(_slot);
    }
}
