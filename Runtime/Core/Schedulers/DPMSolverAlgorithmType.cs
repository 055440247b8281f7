#nullable enable
namespace LiveDiffusion.Schedulers
{
    /// <summary>Which DPM-Solver++ <see cref="DPMSolverMultistepScheduler"/> runs (diffusers' <c>algorithm_type</c>).</summary>
    public enum DPMSolverAlgorithmType
    {
        /// <summary><c>dpmsolver++</c>: the deterministic solver of the probability-flow ODE ("DPM++ 2M").</summary>
        DpmSolverPlusPlus,

        /// <summary>
        /// <c>sde-dpmsolver++</c>: the solver of the reverse SDE ("DPM++ 2M SDE", Lu et al. 2022b, section 5): each step
        /// contracts the sample by e^{−h} more than the ODE step and adds fresh noise of scale σ_t·√(1 − e^{−2h}), so
        /// errors of the model's earlier predictions are partly forgotten. Its first-order step is DDPM's (DDIM with
        /// η = 1). Needs a <see cref="NoiseGenerator"/>.
        /// </summary>
        SdeDpmSolverPlusPlus,
    }
}
