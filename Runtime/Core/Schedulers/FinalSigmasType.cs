#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>The noise level after the last step of sigma-based schedulers (diffusers' <c>final_sigmas_type</c>).</summary>
    public enum FinalSigmasType
    {
        /// <summary><c>zero</c>: the last step lands on σ = 0 (a clean sample).</summary>
        Zero,

        /// <summary><c>sigma_min</c>: the last step lands on the smallest training σ.</summary>
        SigmaMin,
    }
}
