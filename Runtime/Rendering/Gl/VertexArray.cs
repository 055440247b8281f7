using System;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>
    /// An empty vertex array object: core-profile OpenGL needs one bound to draw, even when the vertex shader makes
    /// its positions from gl_VertexID (as every quad here does). Use and dispose on the context's thread.
    /// </summary>
    internal sealed class VertexArray : IDisposable
    {
        private readonly GL _gl;
        private bool _disposed;

        /// <summary>Creates the vertex array object.</summary>
        public VertexArray(GL gl)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            Handle = gl.GenVertexArray();
        }

        /// <summary>The GL vertex array name.</summary>
        public uint Handle { get; }

        /// <summary>Binds it and draws a 4-vertex triangle strip (a quad).</summary>
        public void DrawQuad()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(VertexArray));
            }

            _gl.BindVertexArray(Handle);
            _gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
        }

        /// <summary>Deletes the vertex array. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gl.DeleteVertexArray(Handle);
        }
    }
}
