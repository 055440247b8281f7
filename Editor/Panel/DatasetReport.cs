using System.Collections.Generic;
using LiveDiffusion.Editor.Training;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>What a dataset folder holds, as the setup form shows it before a run starts.</summary>
    /// <param name="Folder">The resolved folder.</param>
    /// <param name="Images">Usable images.</param>
    /// <param name="Classes">Class names with their image counts (one unnamed entry when unconditional).</param>
    /// <param name="Sizes">Original image sizes (width x height) with how many images have each, most common first.</param>
    /// <param name="Skipped">Files that cannot be used, with the reason.</param>
    /// <param name="Warnings">What will happen to images that do not fit the training size as they are.</param>
    public sealed record DatasetReport(
        string Folder,
        int Images,
        IReadOnlyList<DatasetClass> Classes,
        IReadOnlyList<ImageSizeCount> Sizes,
        IReadOnlyList<SkippedFile> Skipped,
        IReadOnlyList<string> Warnings);
}
