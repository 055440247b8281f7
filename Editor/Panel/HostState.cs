namespace LiveDiffusion.Editor.Panel
{
    /// <summary>What the panel's trainer is doing: idle, starting, running, paused, stopping, finished, stopped or failed.</summary>
    /// <param name="State">One of the words above.</param>
    /// <param name="Run">The run it is (or was last) training.</param>
    /// <param name="Message">The last thing worth saying (why it failed, where it stopped).</param>
    internal sealed record HostState(string State, string? Run, string? Message)
    {
        /// <summary>Whether a run occupies the trainer (only one at a time).</summary>
        public bool Busy => State is "starting" or "running" or "paused" or "stopping";
    }
}
