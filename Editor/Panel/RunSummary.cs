using System;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>A run folder as the run list shows it.</summary>
    /// <param name="Name">Folder name.</param>
    /// <param name="Modified">Last change of its log, checkpoints or run.json (UTC).</param>
    /// <param name="Checkpoints">Number of checkpoint files.</param>
    /// <param name="Live">Whether this panel is training it now.</param>
    internal sealed record RunSummary(string Name, DateTime Modified, int Checkpoints, bool Live);
}
