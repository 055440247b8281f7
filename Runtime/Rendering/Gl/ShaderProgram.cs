using System;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>
    /// A linked GLSL program (vertex + fragment shader). Create, use and dispose it on the thread where its context is
    /// current.
    /// </summary>
    internal sealed class ShaderProgram : IDisposable
    {
        private readonly GL _gl;
        private bool _disposed;

        /// <summary>Compiles both shaders and links them.</summary>
        /// <param name="gl">The context's entry points; the context must be current on this thread.</param>
        /// <param name="name">A name for error messages, e.g. "latent preview".</param>
        /// <param name="vertexSource">GLSL source of the vertex shader.</param>
        /// <param name="fragmentSource">GLSL source of the fragment shader.</param>
        /// <exception cref="ShaderCompileException">A shader did not compile or the program did not link; the message has the info log.</exception>
        public ShaderProgram(GL gl, string name, string vertexSource, string fragmentSource)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            Name = name ?? throw new ArgumentNullException(nameof(name));
            uint vertex = Compile(ShaderType.VertexShader, "vertex", vertexSource);
            uint fragment;
            try
            {
                fragment = Compile(ShaderType.FragmentShader, "fragment", fragmentSource);
            }
            catch
            {
                gl.DeleteShader(vertex);
                throw;
            }

            Handle = gl.CreateProgram();
            gl.AttachShader(Handle, vertex);
            gl.AttachShader(Handle, fragment);
            gl.LinkProgram(Handle);
            gl.DetachShader(Handle, vertex);
            gl.DetachShader(Handle, fragment);
            gl.DeleteShader(vertex);
            gl.DeleteShader(fragment);
            gl.GetProgram(Handle, ProgramPropertyARB.LinkStatus, out int linked);
            if (linked == 0)
            {
                string log = gl.GetProgramInfoLog(Handle);
                gl.DeleteProgram(Handle);
                throw new ShaderCompileException($"Linking '{name}'", log);
            }
        }

        /// <summary>The GL program name.</summary>
        public uint Handle { get; }

        /// <summary>The name given at creation.</summary>
        public string Name { get; }

        /// <summary>Makes this program current (glUseProgram).</summary>
        public void Use()
        {
            ThrowIfDisposed();
            _gl.UseProgram(Handle);
        }

        /// <summary>The location of a uniform; -1 when the program has no active uniform of that name (GL ignores sets to -1).</summary>
        public int Uniform(string name)
        {
            ThrowIfDisposed();
            return _gl.GetUniformLocation(Handle, name);
        }

        /// <summary>Deletes the program. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gl.DeleteProgram(Handle);
        }

        private uint Compile(ShaderType type, string stage, string source)
        {
            uint shader = _gl.CreateShader(type);
            _gl.ShaderSource(shader, source);
            _gl.CompileShader(shader);
            _gl.GetShader(shader, ShaderParameterName.CompileStatus, out int ok);
            if (ok == 0)
            {
                string log = _gl.GetShaderInfoLog(shader);
                _gl.DeleteShader(shader);
                throw new ShaderCompileException($"Compiling the {stage} shader of '{Name}'", log);
            }

            return shader;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(ShaderProgram), $"Shader program '{Name}' was disposed.");
            }
        }
    }
}
