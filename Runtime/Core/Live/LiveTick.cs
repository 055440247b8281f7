#nullable enable
using System;

namespace LiveDiffusion.Live
{
    /// <summary>What <see cref="LiveTextureSession.Tick"/> found on one rendered frame (flags: a frame and the end can come together).</summary>
    [Flags]
    public enum LiveTick
    {
        /// <summary>Nothing new.</summary>
        None = 0,

        /// <summary>The feed's buffers hold a newer step: upload them.</summary>
        Frame = 1,

        /// <summary>The generation finished: <see cref="LiveTextureSession.LastResult"/> holds the textures.</summary>
        Finished = 2,

        /// <summary>The generation failed: <see cref="LiveTextureSession.LastError"/> says why.</summary>
        Failed = 4,

        /// <summary>The generation was cancelled.</summary>
        Cancelled = 8,
    }
}
