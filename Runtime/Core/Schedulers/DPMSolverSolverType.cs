#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>The second-order update of DPM-Solver++ (diffusers' <c>solver_type</c>).</summary>
    public enum DPMSolverSolverType
    {
        /// <summary><c>midpoint</c>: the update of Lu et al. 2022b, algorithm 2 (k-diffusion's DPM++ 2M).</summary>
        Midpoint,

        /// <summary><c>heun</c>: the alternative second-order correction.</summary>
        Heun,
    }
}
