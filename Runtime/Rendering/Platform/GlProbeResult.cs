namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>What one <see cref="GlProbe"/> check found.</summary>
    public sealed class GlProbeResult
    {
        /// <summary>Creates a result.</summary>
        public GlProbeResult(bool ok, string method, string? version, string? renderer, string? error)
        {
            Ok = ok;
            Method = method;
            Version = version;
            Renderer = renderer;
            Error = error;
        }

        /// <summary>True when a context was created and a cleared framebuffer read back the expected colour.</summary>
        public bool Ok { get; }

        /// <summary>How the context was made, e.g. <c>"EGL surfaceless"</c> or <c>"GLFW window on :99"</c>.</summary>
        public string Method { get; }

        /// <summary>GL_VERSION, when a context was created.</summary>
        public string? Version { get; }

        /// <summary>GL_RENDERER, when a context was created.</summary>
        public string? Renderer { get; }

        /// <summary>Why the check failed or was skipped (a skipped check starts with <c>"skipped:"</c>); null when <see cref="Ok"/>.</summary>
        public string? Error { get; }

        /// <inheritdoc />
        public override string ToString() => Ok
            ? $"{Method}: OpenGL {Version} on {Renderer}"
            : $"{Method}: {Error}";
    }
}
