using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>Test helper: read one RGBA8 pixel from the bound read framebuffer.</summary>
    internal static class GlPixels
    {
        public static unsafe byte[] ReadRgba(GL gl, int x, int y)
        {
            var pixel = new byte[4];
            gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
            fixed (byte* p = pixel)
            {
                gl.ReadPixels(x, y, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, p);
            }
            return pixel;
        }

        /// <summary>Parses the leading "major.minor" of GL_VERSION, e.g. "4.5 (Core Profile) Mesa 22.3.6".</summary>
        public static System.Version ParseVersion(string glVersion)
        {
            int end = 0;
            while (end < glVersion.Length && (char.IsDigit(glVersion[end]) || glVersion[end] == '.')) end++;
            var parts = glVersion.Substring(0, end).Split('.');
            return new System.Version(int.Parse(parts[0]), int.Parse(parts[1]));
        }
    }
}
