namespace LiveDiffusion.Editor.Panel
{
    /// <summary>One server-sent event: its name (<c>event:</c>) and its JSON payload (<c>data:</c>).</summary>
    internal sealed record PanelEvent(string Name, string Json);
}
