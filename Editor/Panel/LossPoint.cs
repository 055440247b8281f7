namespace LiveDiffusion.Editor.Panel
{
    /// <summary>One point of the loss and learning-rate charts.</summary>
    /// <param name="Step">Optimisation step.</param>
    /// <param name="Loss">The step's loss (min-SNR weighted MSE).</param>
    /// <param name="Smoothed">Exponentially smoothed loss (0.98).</param>
    /// <param name="LearningRate">Learning rate used at the step.</param>
    /// <param name="ImagesPerSecond">Smoothed training throughput.</param>
    /// <param name="ElapsedSeconds">Training time up to the step.</param>
    internal sealed record LossPoint(long Step, double Loss, double Smoothed, double LearningRate, double ImagesPerSecond, double ElapsedSeconds);
}
