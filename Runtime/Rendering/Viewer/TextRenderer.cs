using System;
using LiveDiffusion.Rendering.Gl;
using Silk.NET.OpenGL;

using VertexArray = LiveDiffusion.Rendering.Gl.VertexArray;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>
    /// Draws <see cref="TextLabel"/>s: each font pixel becomes a <c>scale</c> x <c>scale</c> block of the text colour;
    /// clear pixels are discarded. Create, use and dispose on the context's thread.
    /// </summary>
    internal sealed class TextRenderer : IDisposable
    {
        private const string FragmentSource = @"#version 330 core
in vec2 v_uv;
out vec4 o_color;
uniform sampler2D u_mask;
uniform vec3 u_color;
void main()
{
    ivec2 size = textureSize(u_mask, 0);
    ivec2 texel = min(ivec2(floor(v_uv * vec2(size))), size - 1);
    if (texelFetch(u_mask, texel, 0).r < 0.5)
        discard;
    o_color = vec4(u_color, 1.0);
}
";

        private readonly GL _gl;
        private readonly ShaderProgram _program;
        private readonly VertexArray _quad;
        private readonly int _color;

        public TextRenderer(GL gl)
        {
            _gl = gl;
            _program = new ShaderProgram(gl, "caption text", ViewportQuad.VertexSource, FragmentSource);
            _quad = new VertexArray(gl);
            _color = _program.Uniform("u_color");
            _program.Use();
            gl.Uniform1(_program.Uniform("u_mask"), 0);
            gl.UseProgram(0);
        }

        /// <summary>Draws <paramref name="label"/> with its top-left corner at (<paramref name="x"/>, <paramref name="top"/>) in image coordinates of a framebuffer <paramref name="framebufferHeight"/> pixels high.</summary>
        public void Draw(TextLabel label, int x, int top, int scale, int framebufferHeight, (float R, float G, float B) color)
        {
            if (label.Width == 0)
            {
                return;
            }

            _gl.Viewport(x, framebufferHeight - top - (label.Height * scale), (uint)(label.Width * scale), (uint)(label.Height * scale));
            _program.Use();
            _gl.ActiveTexture(TextureUnit.Texture0);
            _gl.BindTexture(TextureTarget.Texture2D, label.Handle);
            _gl.Uniform3(_color, color.R, color.G, color.B);
            _quad.DrawQuad();
        }

        public void Dispose()
        {
            _quad.Dispose();
            _program.Dispose();
        }
    }
}
