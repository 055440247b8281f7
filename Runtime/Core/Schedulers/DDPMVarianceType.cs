#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>The variance of the DDPM reverse step (diffusers' <c>variance_type</c>).</summary>
    public enum DDPMVarianceType
    {
        /// <summary><c>fixed_small</c>: the posterior variance β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t.</summary>
        FixedSmall,

        /// <summary><c>fixed_small_log</c>: β̃_t, computed through its logarithm (same value, as in the original code).</summary>
        FixedSmallLog,

        /// <summary><c>fixed_large</c>: β_t.</summary>
        FixedLarge,

        /// <summary><c>fixed_large_log</c>: β_t, computed through its logarithm.</summary>
        FixedLargeLog,
    }
}
