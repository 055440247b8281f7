namespace LiveDiffusion.Editor.Panel
{
    /// <summary>How many images of a dataset have one original size.</summary>
    public sealed record ImageSizeCount(int Width, int Height, int Images);
}
