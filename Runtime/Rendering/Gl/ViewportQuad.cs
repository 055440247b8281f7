namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>
    /// The vertex shader every full-rectangle pass uses: a quad covering the viewport, drawn as a 4-vertex triangle
    /// strip from gl_VertexID alone (no vertex buffers, see <see cref="VertexArray"/>); <c>v_uv</c> is (0,0) at the
    /// top-left and (1,1) at the bottom-right.
    /// </summary>
    internal static class ViewportQuad
    {
        public const string VertexSource = @"#version 330 core
out vec2 v_uv;
void main()
{
    vec2 p = vec2((gl_VertexID & 1) != 0 ? 1.0 : 0.0, (gl_VertexID & 2) != 0 ? 1.0 : 0.0);
    v_uv = vec2(p.x, 1.0 - p.y);
    gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
";
    }
}
