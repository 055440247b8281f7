using System;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// The render check behind <see cref="GlProbe"/>: clear a framebuffer to a known colour and read one pixel back
    /// with glReadPixels. Proves the driver draws, not just that a context exists.
    /// </summary>
    internal static class GlClearCheck
    {
        // 0.2, 0.4, 0.6 and 1.0 are exact in 8-bit unorm: 51, 102, 153, 255.
        private const float R = 0.2f, G = 0.4f, B = 0.6f, A = 1f;
        private static readonly byte[] Expected = { 51, 102, 153, 255 };

        /// <summary>
        /// Creates a 4x4 RGBA8 texture behind a framebuffer object, clears it, reads pixel (0,0) and deletes both.
        /// Returns null on success, else what went wrong. Needs a current context.
        /// </summary>
        public static string? ClearOffscreen(GL gl)
        {
            uint texture = gl.GenTexture();
            uint framebuffer = gl.GenFramebuffer();
            try
            {
                gl.BindTexture(TextureTarget.Texture2D, texture);
                unsafe
                {
                    gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, 4, 4, 0, PixelFormat.Rgba, PixelType.UnsignedByte, (void*)0);
                }
                gl.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
                gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, texture, 0);
                var status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
                if (status != GLEnum.FramebufferComplete) return $"framebuffer with an RGBA8 texture is incomplete: {status}";
                return ClearAndReadBack(gl, "FBO");
            }
            finally
            {
                gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
                gl.DeleteFramebuffer(framebuffer);
                gl.DeleteTexture(texture);
            }
        }

        /// <summary>
        /// Clears the framebuffer bound now (for a window, the back buffer of the default framebuffer) and reads
        /// pixel (0,0) back. Returns null on success, else what went wrong.
        /// </summary>
        public static string? ClearAndReadBack(GL gl, string what)
        {
            gl.Disable(EnableCap.ScissorTest);
            gl.ClearColor(R, G, B, A);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            var pixel = new byte[4];
            gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
            unsafe
            {
                fixed (byte* p = pixel)
                {
                    gl.ReadPixels(0, 0, 1, 1, PixelFormat.Rgba, PixelType.UnsignedByte, p);
                }
            }
            var error = gl.GetError();
            if (error != GLEnum.NoError) return $"{what} clear and glReadPixels raised {error}";
            for (int i = 0; i < 4; i++)
            {
                if (Math.Abs(pixel[i] - Expected[i]) > 1)
                    return $"{what} cleared to RGBA({Expected[0]}, {Expected[1]}, {Expected[2]}, {Expected[3]}) but glReadPixels returned ({pixel[0]}, {pixel[1]}, {pixel[2]}, {pixel[3]})";
            }
            return null;
        }
    }
}
