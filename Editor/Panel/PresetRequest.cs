namespace LiveDiffusion.Editor.Panel
{
    /// <summary>Body of <c>POST /api/presets/measure</c>: the dataset's size, channels and classes, and the batch to estimate a step for.</summary>
    internal sealed record PresetRequest(int Size = 32, int Channels = 3, int Classes = 0, int BatchSize = 16);
}
