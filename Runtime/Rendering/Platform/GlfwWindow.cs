using System;
using System.Runtime.ExceptionServices;
using Silk.NET.OpenGL;
using static LiveDiffusion.Rendering.Platform.GlfwNativeMethods;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// A real on-screen window with an OpenGL 3.3+ core context, through the system's GLFW 3.3
    /// (<c>apt-get install libglfw3</c>). Works under X11, XWayland and Xvfb.
    /// </summary>
    /// <remarks>
    /// GLFW is not thread-safe: create, poll and dispose all windows on one thread (the main thread on macOS;
    /// on Linux any single thread works). Creating a window while another thread has windows open throws. GL calls go to the thread on which the context is current; the constructor
    /// leaves it current on the constructing thread. GLFW is initialised with the first window and terminated with the
    /// last one.
    /// </remarks>
    internal sealed class GlfwWindow : IDisposable
    {
        private static readonly object GlfwLock = new object();
        private static int s_liveWindows;
        private static int s_glfwThread;

        private readonly IntPtr _window;
        // Held in fields so the GC keeps the delegates alive while GLFW holds pointers to them.
        private readonly KeyCallback _keyCallback;
        private readonly FramebufferSizeCallback _framebufferSizeCallback;
        private ExceptionDispatchInfo? _callbackException;
        private bool _disposed;

        /// <summary>
        /// Opens a window of <paramref name="width"/> x <paramref name="height"/> screen coordinates with an OpenGL
        /// 3.3 (or later, as the driver offers) core-profile context and makes the context current on this thread.
        /// </summary>
        /// <param name="title">The window title (UTF-8).</param>
        /// <param name="width">Width in screen coordinates, at least 1.</param>
        /// <param name="height">Height in screen coordinates, at least 1.</param>
        /// <param name="visible">False to create the window hidden (for off-screen tests and probes).</param>
        /// <exception cref="ArgumentNullException"><paramref name="title"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is less than 1.</exception>
        /// <exception cref="DllNotFoundException">libglfw.so.3 is not installed ("apt-get install libglfw3").</exception>
        /// <exception cref="InvalidOperationException">
        /// There is no display ($DISPLAY and $WAYLAND_DISPLAY unset), glfwInit failed, the driver gave no OpenGL
        /// 3.3 core context (the message carries GLFW's error code name and description), or another thread has
        /// GLFW windows open.
        /// </exception>
        public GlfwWindow(string title, int width, int height, bool visible = true)
        {
            if (title == null) throw new ArgumentNullException(nameof(title));
            if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "Window width must be at least 1.");
            if (height < 1) throw new ArgumentOutOfRangeException(nameof(height), height, "Window height must be at least 1.");
            if (OperatingSystem.IsLinux() && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
                && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
            {
                throw new InvalidOperationException(
                    "Cannot open a window: no display ($DISPLAY unset, and $WAYLAND_DISPLAY unset). Run inside a desktop session, " +
                    "under Xvfb (apt-get install xvfb xauth; xvfb-run -a <command>), or render headless with HeadlessGlContext.");
            }

            try
            {
                lock (GlfwLock)
                {
                    int thread = Environment.CurrentManagedThreadId;
                    if (s_liveWindows > 0 && s_glfwThread != thread)
                    {
                        throw new InvalidOperationException(
                            $"GLFW is in use on managed thread {s_glfwThread}; GLFW is not thread-safe, so create, poll and dispose " +
                            $"every GlfwWindow on that one thread (this is thread {thread}).");
                    }
                    if (s_liveWindows == 0 && glfwInit() == 0)
                        throw new InvalidOperationException($"glfwInit failed: {TakeError() ?? "no error reported"} (DISPLAY={Environment.GetEnvironmentVariable("DISPLAY")}).");
                    s_glfwThread = thread;
                    s_liveWindows++;
                }
            }
            catch (DllNotFoundException e)
            {
                throw new DllNotFoundException($"{Library} not found: apt-get install libglfw3 ({e.Message})", e);
            }

            glfwDefaultWindowHints();
            glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
            glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
            glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
            glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
            glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
            _window = glfwCreateWindow(width, height, title, IntPtr.Zero, IntPtr.Zero);
            if (_window == IntPtr.Zero)
            {
                string error = TakeError() ?? "no error reported";
                ReleaseGlfw();
                throw new InvalidOperationException(
                    $"glfwCreateWindow failed for an OpenGL 3.3 core context: {error}. " +
                    "On Debian/Ubuntu the software renderer comes with apt-get install libgl1-mesa-dri libglx-mesa0.");
            }

            _keyCallback = OnKey;
            _framebufferSizeCallback = OnFramebufferSize;
            glfwSetKeyCallback(_window, _keyCallback);
            glfwSetFramebufferSizeCallback(_window, _framebufferSizeCallback);

            glfwMakeContextCurrent(_window);
            Gl = GL.GetApi(name => glfwGetProcAddress(name));
        }

        /// <summary>
        /// Raised during <see cref="PollEvents"/> when a key is pressed, released or repeated while the window has focus.
        /// An exception thrown by a handler is rethrown from <see cref="PollEvents"/>.
        /// </summary>
        public event Action<KeyEvent>? KeyChanged;

        /// <summary>
        /// Raised during <see cref="PollEvents"/> with the new framebuffer width and height in pixels when the window's
        /// framebuffer is resized. An exception thrown by a handler is rethrown from <see cref="PollEvents"/>.
        /// </summary>
        public event Action<int, int>? FramebufferResized;

        /// <summary>The OpenGL entry points, loaded through glfwGetProcAddress. Valid while this window's context is current.</summary>
        public GL Gl { get; }

        /// <summary>The native GLFWwindow pointer.</summary>
        public IntPtr Handle => _window;

        /// <summary>The framebuffer size in pixels (differs from the window size on high-DPI screens).</summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public (int Width, int Height) FramebufferSize
        {
            get
            {
                ThrowIfDisposed();
                glfwGetFramebufferSize(_window, out int w, out int h);
                return (w, h);
            }
        }

        /// <summary>
        /// Whether the user asked to close the window (close button, Alt+F4), or code set it. Setting it does not
        /// close the window; the render loop reads it and disposes.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public bool ShouldClose
        {
            get
            {
                ThrowIfDisposed();
                return glfwWindowShouldClose(_window) != 0;
            }
            set
            {
                ThrowIfDisposed();
                glfwSetWindowShouldClose(_window, value ? GLFW_TRUE : GLFW_FALSE);
            }
        }

        /// <summary>Sets the window title (UTF-8). Call on the thread that created the window.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="title"/> is null.</exception>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public void SetTitle(string title)
        {
            if (title == null) throw new ArgumentNullException(nameof(title));
            ThrowIfDisposed();
            glfwSetWindowTitle(_window, title);
        }

        /// <summary>Makes this window's context current on the calling thread.</summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public void MakeCurrent()
        {
            ThrowIfDisposed();
            glfwMakeContextCurrent(_window);
        }

        /// <summary>
        /// Sets how many screen refreshes <see cref="SwapBuffers"/> waits for: 1 for vsync, 0 to swap at once.
        /// Applies to the context current on the calling thread, so it makes this window's context current first.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public void SetSwapInterval(int interval)
        {
            MakeCurrent();
            glfwSwapInterval(interval);
        }

        /// <summary>Shows the back buffer: swaps the front and back buffers of the default framebuffer.</summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        public void SwapBuffers()
        {
            ThrowIfDisposed();
            glfwSwapBuffers(_window);
        }

        /// <summary>
        /// Processes pending window-system events for all GLFW windows without waiting, raising
        /// <see cref="KeyChanged"/> and <see cref="FramebufferResized"/>. Call once per frame on the thread that
        /// created the window.
        /// </summary>
        /// <exception cref="ObjectDisposedException">The window was disposed.</exception>
        /// <exception cref="Exception">Whatever an event handler of this window threw (rethrown with its stack).</exception>
        public void PollEvents()
        {
            ThrowIfDisposed();
            glfwPollEvents();
            var pending = _callbackException;
            _callbackException = null;
            pending?.Throw();
        }

        /// <summary>Destroys the window and its context; terminates GLFW when it was the last window.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (glfwGetCurrentContext() == _window) glfwMakeContextCurrent(IntPtr.Zero);
            glfwSetKeyCallback(_window, null);
            glfwSetFramebufferSizeCallback(_window, null);
            Gl.Dispose();
            glfwDestroyWindow(_window);
            ReleaseGlfw();
        }

        // Called by GLFW from native code: a managed exception must not unwind through it, so it is kept for PollEvents.
        private void OnKey(IntPtr window, int key, int scancode, int action, int mods)
        {
            try
            {
                KeyChanged?.Invoke(new KeyEvent((Key)key, scancode, (KeyAction)action, mods));
            }
            catch (Exception e)
            {
                _callbackException ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        private void OnFramebufferSize(IntPtr window, int width, int height)
        {
            try
            {
                FramebufferResized?.Invoke(width, height);
            }
            catch (Exception e)
            {
                _callbackException ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(GlfwWindow));
        }

        private static void ReleaseGlfw()
        {
            lock (GlfwLock)
            {
                if (--s_liveWindows == 0) glfwTerminate();
            }
        }
    }
}
