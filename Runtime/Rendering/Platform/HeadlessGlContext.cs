using System;
using System.Collections.Generic;
using Silk.NET.OpenGL;
using static LiveDiffusion.Rendering.Platform.EglNativeMethods;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// A desktop OpenGL core-profile context with no window and no X server, through EGL: Mesa's surfaceless
    /// platform first (<c>EGL_PLATFORM_SURFACELESS_MESA</c>), then <c>EGL_DEFAULT_DISPLAY</c>. Render into
    /// framebuffer objects; there is no default framebuffer (or, on displays without
    /// <c>EGL_KHR_surfaceless_context</c>, only a 1x1 pbuffer).
    /// </summary>
    /// <remarks>
    /// OpenGL 4.5 core is requested, then 3.3 core. GL calls go to the thread on which the context is current;
    /// the constructor leaves it current on the constructing thread. Dispose on that thread.
    /// On Debian/Ubuntu the native side is <c>apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri</c>.
    /// </remarks>
    public sealed class HeadlessGlContext : IDisposable
    {
        private static readonly object DisplayLock = new object();
        private static readonly Dictionary<IntPtr, int> DisplayRefs = new Dictionary<IntPtr, int>();

        private readonly IntPtr _display;
        private readonly IntPtr _context;
        private readonly IntPtr _surface;
        private bool _disposed;

        /// <summary>
        /// Creates the context and makes it current on the calling thread.
        /// </summary>
        /// <exception cref="DllNotFoundException">libEGL.so.1 is not installed; the message names the apt packages.</exception>
        /// <exception cref="InvalidOperationException">
        /// No EGL display gave an OpenGL 3.3+ core context. The message names, for each display tried, the EGL call
        /// that failed with its error code name (e.g. <c>eglInitialize failed: EGL_NOT_INITIALIZED</c>) and the fix.
        /// </exception>
        public HeadlessGlContext()
            : this(trySurfacelessPlatform: true)
        {
        }

        /// <summary>As the public constructor; false skips the surfaceless platform (tests use it to reach the fallback).</summary>
        internal HeadlessGlContext(bool trySurfacelessPlatform)
        {
            var failures = new List<string>();
            try
            {
                string method = "";
                if ((trySurfacelessPlatform && TryCreate(surfacelessPlatform: true, failures, out _display, out _context, out _surface, out method))
                    || TryCreate(surfacelessPlatform: false, failures, out _display, out _context, out _surface, out method))
                {
                    Method = method;
                }
                else
                {
                    throw new InvalidOperationException(
                        "Could not create a headless OpenGL context through EGL. " + string.Join(" ", failures) +
                        $" Fix: install Mesa's EGL and OpenGL drivers (apt-get install {AptPackages}); on a GPU machine, its vendor's EGL driver.");
                }
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException(
                    $"{Library} could not be loaded, so there is no EGL for headless OpenGL: apt-get install {AptPackages} " +
                    $"(libegl1 is the EGL loader, libegl-mesa0 Mesa's EGL driver, libgl1-mesa-dri the llvmpipe software renderer). ({e.Message})", e);
            }

            Gl = GL.GetApi(name => eglGetProcAddress(name));
            Version = Gl.GetStringS(StringName.Version) ?? "";
            Renderer = Gl.GetStringS(StringName.Renderer) ?? "";
        }

        /// <summary>The OpenGL entry points, loaded through eglGetProcAddress. Valid while this context is current.</summary>
        public GL Gl { get; }

        /// <summary>GL_VERSION, e.g. <c>"4.5 (Core Profile) Mesa 22.3.6"</c>.</summary>
        public string Version { get; }

        /// <summary>GL_RENDERER, e.g. <c>"llvmpipe (LLVM 15.0.6, 256 bits)"</c>.</summary>
        public string Renderer { get; }

        /// <summary>How the context was made: "EGL surfaceless" or "EGL default display" (with "+ pbuffer" when it needed a surface).</summary>
        internal string Method { get; }

        /// <summary>Makes this context current on the calling thread (it can be current on one thread at a time).</summary>
        /// <exception cref="ObjectDisposedException">The context was disposed.</exception>
        /// <exception cref="InvalidOperationException">eglMakeCurrent failed (e.g. EGL_BAD_ACCESS: current on another thread).</exception>
        public void MakeCurrent()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(HeadlessGlContext));
            if (eglMakeCurrent(_display, _surface, _surface, _context) == 0)
                throw new InvalidOperationException($"eglMakeCurrent failed: {ErrorName(eglGetError())}. A context can be current on only one thread at a time.");
        }

        /// <summary>
        /// Releases the context from the calling thread if it is current there, destroys it (EGL defers that while it
        /// is current on another thread) and terminates the EGL display when no other context uses it.
        /// </summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (eglGetCurrentContext() == _context) eglMakeCurrent(_display, Null, Null, Null);
            Gl.Dispose();
            eglDestroyContext(_display, _context);
            if (_surface != Null) eglDestroySurface(_display, _surface);
            ReleaseDisplay(_display);
        }

        private static bool TryCreate(bool surfacelessPlatform, List<string> failures,
                                      out IntPtr display, out IntPtr context, out IntPtr surface, out string method)
        {
            display = context = surface = Null;
            method = surfacelessPlatform ? "EGL surfaceless" : "EGL default display";
            string where = surfacelessPlatform ? "On the Mesa surfaceless platform" : "On EGL_DEFAULT_DISPLAY";

            if (surfacelessPlatform)
            {
                string clientExtensions = QueryString(Null, EGL_EXTENSIONS);
                if (!HasExtension(clientExtensions, "EGL_MESA_platform_surfaceless") || !HasExtension(clientExtensions, "EGL_EXT_platform_base"))
                {
                    failures.Add($"{where}: EGL client extensions lack EGL_MESA_platform_surfaceless (libegl-mesa0 not installed?).");
                    return false;
                }
                display = eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA, Null, new[] { EGL_NONE });
                if (display == Null) return Fail(failures, where, "eglGetPlatformDisplayEXT(EGL_PLATFORM_SURFACELESS_MESA)", Null, Null);
            }
            else
            {
                display = eglGetDisplay(Null);
                if (display == Null) return Fail(failures, where, "eglGetDisplay(EGL_DEFAULT_DISPLAY)", Null, Null);
            }

            if (!AcquireDisplay(display, out int eglMajor, out int eglMinor))
            {
                int error = eglGetError();
                string cause = !surfacelessPlatform && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                                                    && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"))
                    ? "Mesa's default display is the X11 or Wayland one, which cannot initialise with $DISPLAY unset; EGL_PLATFORM=surfaceless selects the headless one"
                    : "no usable EGL driver for this display; libegl-mesa0 missing, or no DRI driver from libgl1-mesa-dri";
                failures.Add($"{where}: eglInitialize failed: {ErrorName(error)} ({cause}).");
                display = Null;
                return false;
            }

            // Surfaceless rendering needs EGL_KHR_surfaceless_context; otherwise a 1x1 pbuffer stands in.
            bool noSurface = HasExtension(QueryString(display, EGL_EXTENSIONS), "EGL_KHR_surfaceless_context");
            int[] configAttribs = noSurface
                ? new[] { EGL_SURFACE_TYPE, 0, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE }
                : new[] { EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
                          EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8, EGL_NONE };
            var configs = new IntPtr[1];
            if (eglChooseConfig(display, configAttribs, configs, 1, out int count) == 0)
                return Fail(failures, where, "eglChooseConfig", display, Null);
            if (count < 1)
            {
                failures.Add($"{where} (EGL {eglMajor}.{eglMinor}, {QueryString(display, EGL_VENDOR)}): eglChooseConfig found no config that renders desktop OpenGL" +
                             (noSurface ? " without a surface." : " to a pbuffer."));
                ReleaseDisplay(display);
                display = Null;
                return false;
            }

            if (eglBindAPI(EGL_OPENGL_API) == 0)
            {
                failures.Add($"{where}: eglBindAPI(EGL_OPENGL_API) failed: {ErrorName(eglGetError())} (this EGL driver offers OpenGL ES only, not desktop OpenGL).");
                ReleaseDisplay(display);
                display = Null;
                return false;
            }

            int lastError = EGL_SUCCESS;
            foreach (var (major, minor) in new[] { (4, 5), (3, 3) })
            {
                context = eglCreateContext(display, configs[0], Null, new[]
                {
                    EGL_CONTEXT_MAJOR_VERSION, major, EGL_CONTEXT_MINOR_VERSION, minor,
                    EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE,
                });
                if (context != Null) break;
                lastError = eglGetError();
            }
            if (context == Null)
            {
                failures.Add($"{where}: eglCreateContext failed for OpenGL 4.5 and 3.3 core: {ErrorName(lastError)} (the driver offers no OpenGL 3.3 core profile).");
                ReleaseDisplay(display);
                display = Null;
                return false;
            }

            if (!noSurface)
            {
                surface = eglCreatePbufferSurface(display, configs[0], new[] { EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE });
                if (surface == Null) return Fail(failures, where, "eglCreatePbufferSurface", display, context);
                method += " + pbuffer";
            }

            if (eglMakeCurrent(display, surface, surface, context) == 0)
            {
                int error = eglGetError();
                if (surface != Null) eglDestroySurface(display, surface);
                surface = Null;
                failures.Add($"{where}: eglMakeCurrent failed: {ErrorName(error)}.");
                eglDestroyContext(display, context);
                context = Null;
                ReleaseDisplay(display);
                display = Null;
                return false;
            }
            return true;
        }

        private static bool Fail(List<string> failures, string where, string call, IntPtr display, IntPtr context)
        {
            failures.Add($"{where}: {call} failed: {ErrorName(eglGetError())}.");
            if (context != Null) eglDestroyContext(display, context);
            if (display != Null) ReleaseDisplay(display);
            return false;
        }

        // EGL displays are per-process singletons: eglTerminate would pull the display from under every other
        // context on it, so it is initialised once per user and terminated with the last one.
        private static bool AcquireDisplay(IntPtr display, out int major, out int minor)
        {
            lock (DisplayLock)
            {
                if (eglInitialize(display, out major, out minor) == 0) return false;
                DisplayRefs.TryGetValue(display, out int refs);
                DisplayRefs[display] = refs + 1;
                return true;
            }
        }

        private static void ReleaseDisplay(IntPtr display)
        {
            lock (DisplayLock)
            {
                if (!DisplayRefs.TryGetValue(display, out int refs)) return;
                if (refs > 1)
                {
                    DisplayRefs[display] = refs - 1;
                    return;
                }
                DisplayRefs.Remove(display);
                eglTerminate(display);
            }
        }
    }
}
