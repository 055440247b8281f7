namespace LiveDiffusion.Editor.Training
{
    /// <summary>A dataset file that could not be used, and why.</summary>
    public sealed record SkippedFile(string Path, string Reason);
}
