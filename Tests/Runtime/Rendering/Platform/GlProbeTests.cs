using System;
using LiveDiffusion.Rendering.Platform;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests
{
    [Collection(DisplayCollection.Name)]
    public sealed class GlProbeTests
    {
        private readonly ITestOutputHelper _output;

        public GlProbeTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void ProbeHeadless_RendersThroughEgl()
        {
            var result = GlProbe.ProbeHeadless();
            _output.WriteLine(result.ToString());

            Assert.True(result.Ok, result.Error);
            Assert.StartsWith("EGL", result.Method);
            Assert.NotNull(result.Version);
            Assert.NotNull(result.Renderer);
            Assert.Null(result.Error);
        }

        [DisplayFact]
        public void ProbeWindow_RendersThroughGlfw()
        {
            var result = GlProbe.ProbeWindow();
            _output.WriteLine(result.ToString());

            Assert.True(result.Ok, result.Error);
            Assert.StartsWith("GLFW window on ", result.Method);
            Assert.NotNull(result.Version);
        }

        [Fact]
        public void ProbeWindow_ReportsSkipped_WithoutADisplay()
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            {
                return; // covered by ProbeWindow_RendersThroughGlfw when a display exists
            }

            var result = GlProbe.ProbeWindow();

            Assert.False(result.Ok);
            Assert.Equal("skipped: no DISPLAY or WAYLAND_DISPLAY", result.Error);
        }
    }
}
