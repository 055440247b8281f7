using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// Every P/Invoke into libEGL.so.1 (the glvnd EGL dispatcher; Mesa provides the vendor library), plus the EGL
    /// constants this assembly uses. Values are from Khronos' EGL/egl.h and EGL/eglext.h.
    /// </summary>
    internal static unsafe class EglNativeMethods
    {
        public const string Library = "libEGL.so.1";

        /// <summary>The apt packages that provide <see cref="Library"/> and a software (llvmpipe) OpenGL driver behind it.</summary>
        public const string AptPackages = "libegl1 libegl-mesa0 libgl1-mesa-dri";

        public const int EGL_NONE = 0x3038;
        public const int EGL_EXTENSIONS = 0x3055;
        public const int EGL_VENDOR = 0x3053;
        public const int EGL_VERSION = 0x3054;
        public const int EGL_SURFACE_TYPE = 0x3033;
        public const int EGL_PBUFFER_BIT = 0x0001;
        public const int EGL_RENDERABLE_TYPE = 0x3040;
        public const int EGL_OPENGL_BIT = 0x0008;
        public const int EGL_RED_SIZE = 0x3024;
        public const int EGL_GREEN_SIZE = 0x3023;
        public const int EGL_BLUE_SIZE = 0x3022;
        public const int EGL_ALPHA_SIZE = 0x3021;
        public const int EGL_WIDTH = 0x3057;
        public const int EGL_HEIGHT = 0x3056;
        public const uint EGL_OPENGL_API = 0x30A2;
        public const int EGL_CONTEXT_MAJOR_VERSION = 0x3098;
        public const int EGL_CONTEXT_MINOR_VERSION = 0x30FB;
        public const int EGL_CONTEXT_OPENGL_PROFILE_MASK = 0x30FD;
        public const int EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT = 0x0001;
        public const int EGL_PLATFORM_SURFACELESS_MESA = 0x31DD;
        public const int EGL_SUCCESS = 0x3000;

        /// <summary>EGL_DEFAULT_DISPLAY, EGL_NO_DISPLAY, EGL_NO_CONTEXT and EGL_NO_SURFACE are all null pointers.</summary>
        public static readonly IntPtr Null = IntPtr.Zero;

        [DllImport(Library)] public static extern IntPtr eglGetProcAddress([MarshalAs(UnmanagedType.LPStr)] string procname);
        [DllImport(Library)] public static extern IntPtr eglGetDisplay(IntPtr nativeDisplay);
        [DllImport(Library)] public static extern uint eglInitialize(IntPtr display, out int major, out int minor);
        [DllImport(Library)] public static extern uint eglTerminate(IntPtr display);
        [DllImport(Library)] public static extern IntPtr eglQueryString(IntPtr display, int name);
        [DllImport(Library)] public static extern uint eglChooseConfig(IntPtr display, int[] attribs, IntPtr[] configs, int configSize, out int numConfig);
        [DllImport(Library)] public static extern uint eglBindAPI(uint api);
        [DllImport(Library)] public static extern IntPtr eglCreateContext(IntPtr display, IntPtr config, IntPtr shareContext, int[] attribs);
        [DllImport(Library)] public static extern uint eglDestroyContext(IntPtr display, IntPtr context);
        [DllImport(Library)] public static extern IntPtr eglCreatePbufferSurface(IntPtr display, IntPtr config, int[] attribs);
        [DllImport(Library)] public static extern uint eglDestroySurface(IntPtr display, IntPtr surface);
        [DllImport(Library)] public static extern uint eglMakeCurrent(IntPtr display, IntPtr draw, IntPtr read, IntPtr context);
        [DllImport(Library)] public static extern IntPtr eglGetCurrentContext();
        [DllImport(Library)] public static extern int eglGetError();

        /// <summary>
        /// eglGetPlatformDisplayEXT (EGL_EXT_platform_base), resolved through eglGetProcAddress because it is an
        /// extension entry point. Returns EGL_NO_DISPLAY when the extension is absent.
        /// </summary>
        public static IntPtr eglGetPlatformDisplayEXT(int platform, IntPtr nativeDisplay, int[]? attribs)
        {
            IntPtr proc = eglGetProcAddress("eglGetPlatformDisplayEXT");
            if (proc == IntPtr.Zero) return IntPtr.Zero;
            var fn = (delegate* unmanaged[Cdecl]<int, IntPtr, int*, IntPtr>)proc;
            fixed (int* a = attribs)
            {
                return fn(platform, nativeDisplay, a);
            }
        }

        /// <summary>A string from eglQueryString, or "" when EGL returns null (e.g. client extensions unsupported).</summary>
        public static string QueryString(IntPtr display, int name)
        {
            IntPtr s = eglQueryString(display, name);
            return s == IntPtr.Zero ? "" : Marshal.PtrToStringAnsi(s) ?? "";
        }

        /// <summary>True when the space-separated extension list <paramref name="extensions"/> contains <paramref name="name"/>.</summary>
        public static bool HasExtension(string extensions, string name) =>
            Array.IndexOf(extensions.Split(' ', StringSplitOptions.RemoveEmptyEntries), name) >= 0;

        /// <summary>The EGL error code's name, e.g. <c>EGL_NOT_INITIALIZED (0x3001)</c>.</summary>
        public static string ErrorName(int code)
        {
            string name = code switch
            {
                0x3000 => "EGL_SUCCESS",
                0x3001 => "EGL_NOT_INITIALIZED",
                0x3002 => "EGL_BAD_ACCESS",
                0x3003 => "EGL_BAD_ALLOC",
                0x3004 => "EGL_BAD_ATTRIBUTE",
                0x3005 => "EGL_BAD_CONFIG",
                0x3006 => "EGL_BAD_CONTEXT",
                0x3007 => "EGL_BAD_CURRENT_SURFACE",
                0x3008 => "EGL_BAD_DISPLAY",
                0x3009 => "EGL_BAD_MATCH",
                0x300A => "EGL_BAD_NATIVE_PIXMAP",
                0x300B => "EGL_BAD_NATIVE_WINDOW",
                0x300C => "EGL_BAD_PARAMETER",
                0x300D => "EGL_BAD_SURFACE",
                0x300E => "EGL_CONTEXT_LOST",
                0x322B => "EGL_BAD_DEVICE_EXT",
                _ => "EGL error",
            };
            return $"{name} (0x{code:X4})";
        }
    }
}
