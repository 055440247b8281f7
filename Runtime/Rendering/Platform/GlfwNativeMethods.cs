using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// Every P/Invoke into libglfw.so.3 (Debian's libglfw3, GLFW 3.3+), the callback signatures and the GLFW
    /// constants this assembly uses. Values are from GLFW/glfw3.h.
    /// </summary>
    internal static class GlfwNativeMethods
    {
        public const string Library = "libglfw.so.3";

        public const int GLFW_TRUE = 1;
        public const int GLFW_FALSE = 0;
        public const int GLFW_VISIBLE = 0x00020004;
        public const int GLFW_CONTEXT_VERSION_MAJOR = 0x00022002;
        public const int GLFW_CONTEXT_VERSION_MINOR = 0x00022003;
        public const int GLFW_OPENGL_FORWARD_COMPAT = 0x00022006;
        public const int GLFW_OPENGL_PROFILE = 0x00022008;
        public const int GLFW_OPENGL_CORE_PROFILE = 0x00032001;

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void KeyCallback(IntPtr window, int key, int scancode, int action, int mods);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void FramebufferSizeCallback(IntPtr window, int width, int height);

        [DllImport(Library)] public static extern int glfwInit();
        [DllImport(Library)] public static extern void glfwTerminate();
        [DllImport(Library)] public static extern int glfwGetError(out IntPtr description);
        [DllImport(Library)] public static extern IntPtr glfwGetVersionString();
        [DllImport(Library)] public static extern void glfwDefaultWindowHints();
        [DllImport(Library)] public static extern void glfwWindowHint(int hint, int value);
        [DllImport(Library)] public static extern IntPtr glfwCreateWindow(int width, int height, [MarshalAs(UnmanagedType.LPUTF8Str)] string title, IntPtr monitor, IntPtr share);
        [DllImport(Library)] public static extern void glfwDestroyWindow(IntPtr window);
        [DllImport(Library)] public static extern void glfwSetWindowTitle(IntPtr window, [MarshalAs(UnmanagedType.LPUTF8Str)] string title);
        [DllImport(Library)] public static extern void glfwMakeContextCurrent(IntPtr window);
        [DllImport(Library)] public static extern IntPtr glfwGetCurrentContext();
        [DllImport(Library)] public static extern void glfwSwapBuffers(IntPtr window);
        [DllImport(Library)] public static extern void glfwSwapInterval(int interval);
        [DllImport(Library)] public static extern void glfwPollEvents();
        [DllImport(Library)] public static extern int glfwWindowShouldClose(IntPtr window);
        [DllImport(Library)] public static extern void glfwSetWindowShouldClose(IntPtr window, int value);
        [DllImport(Library)] public static extern void glfwGetFramebufferSize(IntPtr window, out int width, out int height);
        [DllImport(Library)] public static extern IntPtr glfwGetProcAddress([MarshalAs(UnmanagedType.LPStr)] string procname);
        [DllImport(Library)] public static extern IntPtr glfwSetKeyCallback(IntPtr window, KeyCallback? callback);
        [DllImport(Library)] public static extern IntPtr glfwSetFramebufferSizeCallback(IntPtr window, FramebufferSizeCallback? callback);

        /// <summary>The most recent GLFW error on this thread as "GLFW_PLATFORM_ERROR (0x10008): description", or null if none.</summary>
        public static string? TakeError()
        {
            int code = glfwGetError(out IntPtr description);
            if (code == 0) return null;
            string text = description == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(description) ?? "";
            return $"{ErrorName(code)}: {text}";
        }

        /// <summary>The GLFW error code's name, e.g. <c>GLFW_API_UNAVAILABLE (0x10006)</c>.</summary>
        public static string ErrorName(int code)
        {
            string name = code switch
            {
                0x00010001 => "GLFW_NOT_INITIALIZED",
                0x00010002 => "GLFW_NO_CURRENT_CONTEXT",
                0x00010003 => "GLFW_INVALID_ENUM",
                0x00010004 => "GLFW_INVALID_VALUE",
                0x00010005 => "GLFW_OUT_OF_MEMORY",
                0x00010006 => "GLFW_API_UNAVAILABLE",
                0x00010007 => "GLFW_VERSION_UNAVAILABLE",
                0x00010008 => "GLFW_PLATFORM_ERROR",
                0x00010009 => "GLFW_FORMAT_UNAVAILABLE",
                0x0001000A => "GLFW_NO_WINDOW_CONTEXT",
                _ => "GLFW error",
            };
            return $"{name} (0x{code:X5})";
        }
    }
}
