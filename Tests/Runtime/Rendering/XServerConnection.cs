using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>
    /// Holds one X connection open while the display tests run. Xvfb (as xvfb-run starts it) resets when its last
    /// client disconnects, and a connection attempt that lands during the reset fails with "Failed to open display";
    /// tests that open and close windows one after another hit that now and then. Keeping a client connected
    /// prevents the reset, so plain <c>xvfb-run -a dotnet test</c> is reliable.
    /// </summary>
    public sealed class XServerConnection : IDisposable
    {
        private IntPtr _display;

        public XServerConnection()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))) return;
            try
            {
                _display = XOpenDisplay(IntPtr.Zero);
            }
            catch (DllNotFoundException)
            {
                // No libX11: the window tests will report what is missing themselves.
            }
        }

        public void Dispose()
        {
            if (_display != IntPtr.Zero) XCloseDisplay(_display);
            _display = IntPtr.Zero;
        }

        [DllImport("libX11.so.6")]
        private static extern IntPtr XOpenDisplay(IntPtr name);

        [DllImport("libX11.so.6")]
        private static extern int XCloseDisplay(IntPtr display);
    }
}
