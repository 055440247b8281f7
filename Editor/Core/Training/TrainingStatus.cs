using System;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>The state of a training run after a step: what progress bars, logs and the panel show.</summary>
    public sealed record TrainingStatus(
        long Step,
        long TotalSteps,
        double Loss,
        double SmoothedLoss,
        double LearningRate,
        double ImagesPerSecond,
        TimeSpan Elapsed,
        TimeSpan Remaining,
        long NonFiniteSkipped,
        double GradientNorm);

    /// <summary>How a training run ended.</summary>
    public sealed record TrainingResult(long Step, bool Cancelled, string ModelFolder, string? LastCheckpoint, double SmoothedLoss, TimeSpan Elapsed, long NonFiniteSkipped, int Rollbacks);
}
