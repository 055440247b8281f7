namespace LiveDiffusion.Editor.Panel
{
    /// <summary>One class of a dataset (a subfolder) and its image count; the name is empty for an unconditional dataset.</summary>
    public sealed record DatasetClass(string Name, int Images);
}
