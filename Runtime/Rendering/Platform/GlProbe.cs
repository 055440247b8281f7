using System;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// OpenGL checks for <c>livediffusion doctor</c>: can this machine make a context, headless or in a window, and
    /// does it draw? Each probe clears a framebuffer to a known colour and reads a pixel back.
    /// </summary>
    public static class GlProbe
    {
        /// <summary>
        /// Creates a <see cref="HeadlessGlContext"/> (EGL, no display needed), clears an FBO with an RGBA8 texture and
        /// reads one pixel back. Never throws: failures, including a missing libEGL, are returned in
        /// <see cref="GlProbeResult.Error"/>. Leaves no context current on the calling thread.
        /// </summary>
        public static GlProbeResult ProbeHeadless()
        {
            try
            {
                using var context = new HeadlessGlContext();
                string? error = GlClearCheck.ClearOffscreen(context.Gl);
                return new GlProbeResult(error == null, context.Method, context.Version, context.Renderer, error);
            }
            catch (Exception e)
            {
                return new GlProbeResult(false, "EGL", null, null, e.Message);
            }
        }

        /// <summary>
        /// Opens a hidden <see cref="GlfwWindow"/>, clears its back buffer, reads one pixel back and closes it.
        /// Reports <c>"skipped: no DISPLAY or WAYLAND_DISPLAY"</c> when neither is set. Never throws: failures,
        /// including a missing libglfw, are returned in <see cref="GlProbeResult.Error"/>.
        /// </summary>
        public static GlProbeResult ProbeWindow()
        {
            string? x11 = Environment.GetEnvironmentVariable("DISPLAY");
            string? wayland = Environment.GetEnvironmentVariable("WAYLAND_DISPLAY");
            string method = !string.IsNullOrEmpty(x11) ? $"GLFW window on {x11}"
                : !string.IsNullOrEmpty(wayland) ? $"GLFW window on {wayland}"
                : "GLFW window";
            if (OperatingSystem.IsLinux() && string.IsNullOrEmpty(x11) && string.IsNullOrEmpty(wayland))
                return new GlProbeResult(false, method, null, null, "skipped: no DISPLAY or WAYLAND_DISPLAY");

            try
            {
                using var window = new GlfwWindow("LiveDiffusion GL probe", 64, 64, visible: false);
                var gl = window.Gl;
                string version = gl.GetStringS(Silk.NET.OpenGL.StringName.Version) ?? "";
                string renderer = gl.GetStringS(Silk.NET.OpenGL.StringName.Renderer) ?? "";
                string? error = GlClearCheck.ClearAndReadBack(gl, "window back buffer");
                window.SwapBuffers();
                return new GlProbeResult(error == null, method, version, renderer, error);
            }
            catch (Exception e)
            {
                return new GlProbeResult(false, method, null, null, e.Message);
            }
        }
    }
}
