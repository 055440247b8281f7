using System;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Viewer
{
    /// <summary>
    /// One line of caption text as an R8 coverage texture (<see cref="BitmapFont"/>), re-rasterised only when the text
    /// changes. Drawn by <see cref="TextRenderer"/>. Create, use and dispose on the context's thread.
    /// </summary>
    internal sealed class TextLabel : IDisposable
    {
        private readonly GL _gl;
        private string _text = string.Empty;
        private bool _disposed;

        public TextLabel(GL gl)
        {
            _gl = gl;
            Handle = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, Handle);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Nearest);
        }

        public uint Handle { get; }

        /// <summary>Width of the text in font pixels (0 before the first text).</summary>
        public int Width { get; private set; }

        /// <summary>Height in font pixels.</summary>
        public int Height { get; private set; }

        public void SetText(string text)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TextLabel));
            }

            if (text == _text && Width > 0)
            {
                return;
            }

            _text = text;
            byte[] mask = BitmapFont.Rasterize(text, out int width, out int height);
            Width = width;
            Height = height;
            _gl.BindTexture(TextureTarget.Texture2D, Handle);
            _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
            _gl.TexImage2D<byte>(TextureTarget.Texture2D, 0, InternalFormat.R8, (uint)width, (uint)height, 0, PixelFormat.Red, PixelType.UnsignedByte, mask);
        }

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gl.DeleteTexture(Handle);
        }
    }
}
