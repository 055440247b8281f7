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

        /// <summary>X keysyms of the keys the viewer handles.</summary>
        public const long KeyThree = 0x33, KeyS = 0x73, KeySpace = 0x20, KeyEscape = 0xff1b;

        /// <summary>
        /// Presses and releases a key in the window, as the X server delivers a key typed while the window has focus:
        /// a KeyPress and a KeyRelease event with the keyboard's keycode for <paramref name="keysym"/>.
        /// </summary>
        public static void PressKey(IntPtr glfwWindow, long keysym)
        {
            IntPtr xWindow = glfwGetX11Window(glfwWindow);
            IntPtr display = XOpenDisplay(IntPtr.Zero);
            if (xWindow == IntPtr.Zero || display == IntPtr.Zero)
            {
                throw new InvalidOperationException("No X window or display for the key press (is this X11?).");
            }

            try
            {
                byte keycode = XKeysymToKeycode(display, new IntPtr(keysym));
                if (keycode == 0)
                {
                    throw new InvalidOperationException($"The X keyboard map has no key for keysym 0x{keysym:x}.");
                }

                foreach ((int type, long mask) in new[] { (KeyPress, KeyPressMask), (KeyRelease, KeyReleaseMask) })
                {
                    // XKeyEvent inside the 192-byte XEvent union (LP64 offsets).
                    var ev = new byte[192];
                    BitConverter.GetBytes(type).CopyTo(ev, 0);                             // type
                    BitConverter.GetBytes(1).CopyTo(ev, 16);                               // send_event
                    BitConverter.GetBytes(display.ToInt64()).CopyTo(ev, 24);               // display
                    BitConverter.GetBytes(xWindow.ToInt64()).CopyTo(ev, 32);               // window
                    BitConverter.GetBytes(XDefaultRootWindow(display).ToInt64()).CopyTo(ev, 40); // root
                    BitConverter.GetBytes(1).CopyTo(ev, 88);                               // same_screen
                    BitConverter.GetBytes((uint)keycode).CopyTo(ev, 84);                   // keycode
                    if (XSendEvent(display, xWindow, 1, mask, ev) == 0)
                    {
                        throw new InvalidOperationException("XSendEvent failed.");
                    }
                }

                XFlush(display);
            }
            finally
            {
                XCloseDisplay(display);
            }
        }

        private const int KeyPress = 2, KeyRelease = 3;
        private const long KeyPressMask = 1, KeyReleaseMask = 2;

        [DllImport("libX11.so.6")]
        private static extern byte XKeysymToKeycode(IntPtr display, IntPtr keysym);

        [DllImport("libX11.so.6")]
        private static extern IntPtr XDefaultRootWindow(IntPtr display);

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
