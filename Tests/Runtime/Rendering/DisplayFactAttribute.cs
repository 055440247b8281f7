using System;
using Xunit;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>
    /// A fact that needs a window system: skipped, with the reason, when neither $DISPLAY nor $WAYLAND_DISPLAY is set
    /// (xunit 2 has no dynamic skip). Run such tests under Xvfb: <c>xvfb-run -a dotnet test Tests/Runtime/Rendering</c>.
    /// </summary>
    public sealed class DisplayFactAttribute : FactAttribute
    {
        public DisplayFactAttribute()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            {
                Skip = "needs a display: $DISPLAY and $WAYLAND_DISPLAY are unset (run under xvfb-run -a)";
            }
        }
    }
}
