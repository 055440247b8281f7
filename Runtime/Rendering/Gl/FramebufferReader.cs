using System;
using LiveDiffusion.Imaging;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>Reads pixels of the bound read framebuffer (glReadPixels) into images, flipping GL's bottom-up rows.</summary>
    internal static class FramebufferReader
    {
        /// <summary>
        /// The region (0, 0, <paramref name="width"/>, <paramref name="height"/>) of the bound read framebuffer (a window's
        /// back buffer or an <see cref="OffscreenTarget"/>) as an RGB image, rows top to bottom. Call on the context's thread.
        /// </summary>
        /// <exception cref="InvalidOperationException">glReadPixels raised a GL error (named).</exception>
        public static unsafe RgbImage Read(GL gl, int width, int height)
        {
            if (gl == null)
            {
                throw new ArgumentNullException(nameof(gl));
            }

            var rows = new byte[width * height * 3];
            gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
            fixed (byte* p = rows)
            {
                gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Rgb, PixelType.UnsignedByte, p);
            }

            GLEnum error = gl.GetError();
            if (error != GLEnum.NoError)
            {
                throw new InvalidOperationException($"glReadPixels of {width}x{height} RGB raised {error}.");
            }

            var image = new RgbImage(width, height, 3);
            int stride = width * 3;
            for (int y = 0; y < height; y++)
            {
                System.Buffer.BlockCopy(rows, (height - 1 - y) * stride, image.Pixels, y * stride, stride);
            }

            return image;
        }
    }
}
