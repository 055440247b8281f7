namespace LiveDiffusion.Editor.Panel
{
    /// <summary>Body of <c>POST /api/dataset/inspect</c>: the folder (inside the data root), whether subfolders are classes, and the training size.</summary>
    internal sealed record DatasetRequest(string? Folder, bool ClassConditional = false, int Size = 32);
}
