using Xunit;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>
    /// Tests that connect to the X server: GLFW is not thread-safe, so they never run in parallel with each other,
    /// and one <see cref="XServerConnection"/> stays open across them so Xvfb does not reset between tests.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class DisplayCollection : ICollectionFixture<XServerConnection>
    {
        public const string Name = "Display";
    }
}
