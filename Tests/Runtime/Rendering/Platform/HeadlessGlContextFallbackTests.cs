using System;
using LiveDiffusion.Rendering.Platform;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>
    /// The EGL_DEFAULT_DISPLAY fallback connects to the X server, so it shares the display collection with the GLFW
    /// tests: two X connections opened at once from different threads made XOpenDisplay fail now and then.
    /// </summary>
    [Collection(DisplayCollection.Name)]
    public sealed class HeadlessGlContextFallbackTests
    {
        private readonly ITestOutputHelper _output;

        public HeadlessGlContextFallbackTests(ITestOutputHelper output) => _output = output;

        [DisplayFact]
        public void DefaultDisplayFallback_GivesAWorkingContext_UnderX()
        {
            // Without a display Mesa's default EGL display cannot initialise, so the fallback needs one.
            using var context = new HeadlessGlContext(trySurfacelessPlatform: false);
            _output.WriteLine($"{context.Method}: {context.Version}");

            Assert.StartsWith("EGL default display", context.Method);
            Assert.True(GlPixels.ParseVersion(context.Version) >= new Version(3, 3), context.Version);
            Assert.Null(GlClearCheck.ClearOffscreen(context.Gl));
        }
    }
}
