namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// How far an evaluation is: <see cref="Done"/> of <see cref="Total"/> images while generating; a stage with
    /// <see cref="Total"/> 0 (its length unknown) while features and distances are computed. <see cref="Status"/> says
    /// it in words, e.g. <c>generated 64/256</c>.
    /// </summary>
    public readonly record struct EvaluationProgress(string Status, int Done, int Total);
}
