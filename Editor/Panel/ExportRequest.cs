namespace LiveDiffusion.Editor.Panel
{
    /// <summary>Body of <c>POST /api/runs/{run}/export</c>: the checkpoint file, the export's name, and the format (folder, or onnx: the folder plus unet/model.onnx).</summary>
    internal sealed record ExportRequest(string? Checkpoint, string? Name, string? Format = "folder");
}
