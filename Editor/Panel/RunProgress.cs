namespace LiveDiffusion.Editor.Panel
{
    /// <summary>Where a run stands, as the panel's header shows it (step k/N, losses, rate, ETA).</summary>
    /// <param name="Step">Steps done.</param>
    /// <param name="TotalSteps">Steps planned (0 when unknown).</param>
    /// <param name="Loss">Last loss.</param>
    /// <param name="Smoothed">Smoothed loss.</param>
    /// <param name="LearningRate">Current learning rate.</param>
    /// <param name="ImagesPerSecond">Throughput.</param>
    /// <param name="ElapsedSeconds">Training time so far.</param>
    /// <param name="EtaSeconds">Estimated time to the last step (null when unknown).</param>
    internal sealed record RunProgress(long Step, long TotalSteps, double Loss, double Smoothed, double LearningRate, double ImagesPerSecond, double ElapsedSeconds, double? EtaSeconds);
}
