using Xunit;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>
    /// Tests that open GLFW windows: GLFW is not thread-safe, so they never run in parallel with each other.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class DisplayCollection
    {
        public const string Name = "Display";
    }
}
