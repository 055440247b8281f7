using System;
using LiveDiffusion.Imaging;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Gl
{
    /// <summary>
    /// A framebuffer object with an RGBA8 colour texture: where headless rendering draws, and what it reads back.
    /// Create, use and dispose on the context's thread.
    /// </summary>
    public sealed class OffscreenTarget : IDisposable
    {
        private readonly GL _gl;
        private bool _disposed;

        /// <summary>Creates a <paramref name="width"/> x <paramref name="height"/> target.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
        /// <exception cref="InvalidOperationException">The driver reports the framebuffer incomplete (the status is named).</exception>
        public OffscreenTarget(GL gl, int width, int height)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            if (width < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(width), width, "An offscreen target needs a width of at least 1.");
            }

            if (height < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(height), height, "An offscreen target needs a height of at least 1.");
            }

            Width = width;
            Height = height;
            Texture = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, Texture);
            unsafe
            {
                gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)width, (uint)height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, (void*)0);
            }

            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Nearest);
            Framebuffer = gl.GenFramebuffer();
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, Framebuffer);
            gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, Texture, 0);
            GLEnum status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            if (status != GLEnum.FramebufferComplete)
            {
                Dispose();
                throw new InvalidOperationException($"A {width}x{height} RGBA8 framebuffer is incomplete: {status}.");
            }
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>The GL framebuffer name.</summary>
        public uint Framebuffer { get; }

        /// <summary>The GL name of the RGBA8 colour texture.</summary>
        public uint Texture { get; }

        /// <summary>Binds the framebuffer for drawing and reading and sets the viewport to all of it.</summary>
        public void Bind()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(OffscreenTarget));
            }

            _gl.BindFramebuffer(FramebufferTarget.Framebuffer, Framebuffer);
            _gl.Viewport(0, 0, (uint)Width, (uint)Height);
        }

        /// <summary>Reads the whole target back as an 8-bit RGB image, rows top to bottom.</summary>
        public RgbImage ReadImage()
        {
            Bind();
            return FramebufferReader.Read(_gl, Width, Height);
        }

        /// <summary>Deletes the framebuffer and its texture. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gl.DeleteFramebuffer(Framebuffer);
            _gl.DeleteTexture(Texture);
        }
    }
}
