#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>How inference timesteps are picked from the training range (diffusers' <c>timestep_spacing</c>; see Lin et al. 2023, table 2).</summary>
    public enum TimestepSpacing
    {
        /// <summary><c>leading</c>: multiples of T/n from 0, plus steps_offset (SD 1.x's original behaviour).</summary>
        Leading,

        /// <summary><c>trailing</c>: multiples of T/n counted down from T−1, so the first step is the noisiest timestep.</summary>
        Trailing,

        /// <summary><c>linspace</c>: n points evenly spaced over [0, T−1], rounded.</summary>
        Linspace,
    }
}
