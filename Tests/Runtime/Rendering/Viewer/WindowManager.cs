using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Rendering.Tests.Viewer
{
    /// <summary>
    /// Does what a window manager does when the user clicks a window's close button: sends the X11 client a
    /// WM_DELETE_WINDOW message, from a connection of its own (no GLFW call on the test thread).
    /// </summary>
    internal static class WindowManager
    {
        private const int ClientMessage = 33;

        public static void RequestClose(IntPtr glfwWindow)
        {
            IntPtr xWindow = glfwGetX11Window(glfwWindow);
            if (xWindow == IntPtr.Zero)
            {
                throw new InvalidOperationException("glfwGetX11Window returned no X window (is this X11?).");
            }

            IntPtr display = XOpenDisplay(IntPtr.Zero);
            if (display == IntPtr.Zero)
            {
                throw new InvalidOperationException("XOpenDisplay failed.");
            }

            try
            {
                IntPtr protocols = XInternAtom(display, "WM_PROTOCOLS", 0);
                IntPtr delete = XInternAtom(display, "WM_DELETE_WINDOW", 0);
                // XClientMessageEvent inside the 192-byte XEvent union (LP64 offsets).
                var ev = new byte[192];
                BitConverter.GetBytes(ClientMessage).CopyTo(ev, 0);       // type
                BitConverter.GetBytes(1).CopyTo(ev, 16);                  // send_event
                BitConverter.GetBytes(display.ToInt64()).CopyTo(ev, 24);  // display
                BitConverter.GetBytes(xWindow.ToInt64()).CopyTo(ev, 32);  // window
                BitConverter.GetBytes(protocols.ToInt64()).CopyTo(ev, 40); // message_type
                BitConverter.GetBytes(32).CopyTo(ev, 48);                 // format
                BitConverter.GetBytes(delete.ToInt64()).CopyTo(ev, 56);   // data.l[0]
                if (XSendEvent(display, xWindow, 0, 0, ev) == 0)
                {
                    throw new InvalidOperationException("XSendEvent failed.");
                }

                XFlush(display);
            }
            finally
            {
                XCloseDisplay(display);
            }
        }

        [DllImport("libglfw.so.3")]
        private static extern IntPtr glfwGetX11Window(IntPtr window);

        [DllImport("libX11.so.6")]
        private static extern IntPtr XOpenDisplay(IntPtr name);

        [DllImport("libX11.so.6")]
        private static extern int XCloseDisplay(IntPtr display);

        [DllImport("libX11.so.6")]
        private static extern IntPtr XInternAtom(IntPtr display, string name, int onlyIfExists);

        [DllImport("libX11.so.6")]
        private static extern int XSendEvent(IntPtr display, IntPtr window, int propagate, long eventMask, byte[] ev);

        [DllImport("libX11.so.6")]
        private static extern int XFlush(IntPtr display);
    }
}
