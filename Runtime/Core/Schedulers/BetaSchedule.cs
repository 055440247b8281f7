#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>How the training noise variances β₁…β_T are laid out (diffusers' <c>beta_schedule</c>).</summary>
    public enum BetaSchedule
    {
        /// <summary><c>linear</c>: β evenly spaced from beta_start to beta_end (Ho et al. 2020).</summary>
        Linear,

        /// <summary><c>scaled_linear</c>: √β evenly spaced, then squared (Stable Diffusion).</summary>
        ScaledLinear,

        /// <summary><c>squaredcos_cap_v2</c>: the cosine schedule of Nichol and Dhariwal 2021, β capped at 0.999.</summary>
        SquaredCosCapV2,
    }
}
