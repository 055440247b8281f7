using System;
using System.Collections.Generic;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Gl;
using Silk.NET.OpenGL;

using VertexArray = LiveDiffusion.Rendering.Gl.VertexArray;

namespace LiveDiffusion.Rendering.Preview
{
    /// <summary>
    /// Draws a <see cref="SharedLatentTexture"/> into a rectangle of the bound framebuffer with one of the
    /// <see cref="LatentView"/>s and <see cref="LatentEncoding"/>s. The shader reads texels with texelFetch, so what lands
    /// on screen is exactly <see cref="LatentPreview"/>'s CPU math applied to the texel each pixel covers. Create, draw
    /// and dispose on the context's thread.
    /// </summary>
    public sealed class LatentRenderer : IDisposable
    {
        private const string FragmentSource = @"#version 330 core
in vec2 v_uv;
out vec4 o_color;
uniform sampler2D u_latents;   // RGBA32F: channel c in component c, items in a grid of cells
uniform ivec2 u_item;          // item width, height in texels
uniform ivec2 u_grid;          // columns, rows
uniform int u_count;           // items
uniform int u_channels;        // 1..4
uniform int u_encoding;        // 0 pixels, 1 SD 1.x latents
uniform int u_view;            // 0 image, 1 channels (2x2 false colour), 2 tiled 3x3
uniform float u_gap;           // border around each cell, as a fraction of the cell
uniform float u_range;         // false colour: value that maps to full red/blue
uniform vec3 u_background;
uniform vec3 u_factors[4];     // SD 1.x latent-to-RGB rows, one per latent channel

vec3 unit(vec3 v) { return clamp(v, -1.0, 1.0) * 0.5 + 0.5; }

vec3 toRgb(vec4 v)
{
    if (u_encoding == 1)
        return unit(v.r * u_factors[0] + v.g * u_factors[1] + v.b * u_factors[2] + v.a * u_factors[3]);
    if (u_channels == 1)
        return unit(vec3(v.r));
    return unit(v.rgb);
}

vec3 falseColor(float value)
{
    float t = clamp(value / u_range, -1.0, 1.0);
    return vec3(1.0 - max(-t, 0.0), 1.0 - abs(t), 1.0 - max(t, 0.0));
}

void main()
{
    vec2 g = v_uv * vec2(u_grid);
    ivec2 cell = min(ivec2(floor(g)), u_grid - 1);
    int item = cell.y * u_grid.x + cell.x;
    vec2 local = (g - vec2(cell) - u_gap) / (1.0 - 2.0 * u_gap);
    if (item >= u_count || any(lessThan(local, vec2(0.0))) || any(greaterThanEqual(local, vec2(1.0))))
    {
        o_color = vec4(u_background, 1.0);
        return;
    }

    int channel = -1;
    if (u_view == 2)
    {
        local = fract(local * 3.0);
    }
    else if (u_view == 1)
    {
        vec2 q = local * 2.0;
        ivec2 quadrant = min(ivec2(floor(q)), ivec2(1));
        channel = quadrant.y * 2 + quadrant.x;
        local = q - vec2(quadrant);
        if (channel >= u_channels)
        {
            o_color = vec4(u_background, 1.0);
            return;
        }
    }

    ivec2 texel = cell * u_item + min(ivec2(floor(local * vec2(u_item))), u_item - 1);
    vec4 v = texelFetch(u_latents, texel, 0);
    vec3 rgb = channel >= 0 ? falseColor(v[channel]) : toRgb(v);
    o_color = vec4(rgb, 1.0);
}
";

        private readonly GL _gl;
        private readonly ShaderProgram _program;
        private readonly VertexArray _quad;
        private readonly int _item, _grid, _count, _channels, _encoding, _view, _gap, _range, _background;
        private bool _disposed;

        /// <summary>Compiles the preview shader. The context must be current on this thread.</summary>
        /// <exception cref="ShaderCompileException">The driver rejected the shader (the info log is in the message).</exception>
        public LatentRenderer(GL gl)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            _program = new ShaderProgram(gl, "latent preview", ViewportQuad.VertexSource, FragmentSource);
            _quad = new VertexArray(gl);
            _item = _program.Uniform("u_item");
            _grid = _program.Uniform("u_grid");
            _count = _program.Uniform("u_count");
            _channels = _program.Uniform("u_channels");
            _encoding = _program.Uniform("u_encoding");
            _view = _program.Uniform("u_view");
            _gap = _program.Uniform("u_gap");
            _range = _program.Uniform("u_range");
            _background = _program.Uniform("u_background");

            _program.Use();
            gl.Uniform1(_program.Uniform("u_latents"), 0);
            IReadOnlyList<float> f = LatentPreview.StableDiffusion1Factors;
            var factors = new float[12];
            for (int i = 0; i < 12; i++)
            {
                factors[i] = f[i];
            }

            gl.Uniform3(_program.Uniform("u_factors[0]"), 4, factors);
            gl.UseProgram(0);
        }

        /// <summary>
        /// Draws <paramref name="texture"/> into the rectangle (<paramref name="x"/>, <paramref name="y"/>,
        /// <paramref name="width"/>, <paramref name="height"/>) of the bound framebuffer, in GL window coordinates
        /// (origin at the bottom-left). Leaves the viewport set to that rectangle.
        /// </summary>
        /// <param name="texture">The texture; nothing is drawn before its first update.</param>
        /// <param name="x">Left edge in pixels.</param>
        /// <param name="y">Bottom edge in pixels.</param>
        /// <param name="width">Width in pixels.</param>
        /// <param name="height">Height in pixels.</param>
        /// <param name="style">View, encoding, gap, false-colour range and background.</param>
        public void Draw(SharedLatentTexture texture, int x, int y, int width, int height, LatentStyle style)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(LatentRenderer));
            }

            if (texture == null)
            {
                throw new ArgumentNullException(nameof(texture));
            }

            if (texture.Items == 0 || width < 1 || height < 1)
            {
                return;
            }

            _gl.Viewport(x, y, (uint)width, (uint)height);
            _program.Use();
            _gl.ActiveTexture(TextureUnit.Texture0);
            _gl.BindTexture(TextureTarget.Texture2D, texture.Handle);
            _gl.Uniform2(_item, texture.ItemWidth, texture.ItemHeight);
            _gl.Uniform2(_grid, texture.Columns, texture.Rows);
            _gl.Uniform1(_count, texture.Items);
            _gl.Uniform1(_channels, texture.Channels);
            _gl.Uniform1(_encoding, (int)style.Encoding);
            _gl.Uniform1(_view, (int)style.View);
            _gl.Uniform1(_gap, style.Gap);
            _gl.Uniform1(_range, style.FalseColorRange);
            _gl.Uniform3(_background, style.Background.R, style.Background.G, style.Background.B);
            _quad.DrawQuad();
        }

        /// <summary>Deletes the program and vertex array. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _quad.Dispose();
            _program.Dispose();
        }
    }
}
