#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>How Euler-type schedulers interpolate σ between training timesteps (diffusers' <c>interpolation_type</c>).</summary>
    public enum EulerInterpolationType
    {
        /// <summary><c>linear</c>: σ interpolated linearly in t.</summary>
        Linear,

        /// <summary><c>log_linear</c>: σ evenly spaced in log σ between σ_min and σ_max.</summary>
        LogLinear,
    }
}
