using System;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using Silk.NET.OpenGL;

namespace LiveDiffusion.Rendering.Preview
{
    /// <summary>
    /// An RGBA32F OpenGL texture holding one tensor of a denoising frame (x_t or the predicted x0) as raw values:
    /// latent channel c in texture component c (R, G, B, A), batch items laid side by side in a grid of
    /// <see cref="Columns"/> x <see cref="Rows"/> cells of <see cref="ItemWidth"/> x <see cref="ItemHeight"/> texels,
    /// image row 0 in texture row 0. A channel the tensor lacks reads 0.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Thread rules.</b> Every method, including <see cref="Dispose"/>, makes GL calls and must run on the thread
    /// where the context given to the constructor is current. <see cref="Handle"/> is a plain GL texture name: a host
    /// engine that draws with the same context (or one in its share group) may bind and sample it, with texelFetch or
    /// NEAREST filtering, on that context's thread. After <see cref="Update(DenoisingFrame, bool)"/> returns, draws issued
    /// later on the same context see the new values; a context in the share group on another thread must synchronise
    /// first (a fence, or glFinish on the updating thread). The texture is reallocated, keeping its name, only when
    /// the frame shape changes.
    /// </para>
    /// <para>
    /// Updates convert NCHW planes to interleaved RGBA in a staging buffer kept between frames, then upload with one
    /// glTexSubImage2D from that span (on Mesa's llvmpipe this beat a pixel buffer object).
    /// </para>
    /// </remarks>
    public sealed class SharedLatentTexture : IDisposable
    {
        private readonly GL _gl;
        private float[] _staging = Array.Empty<float>();
        private bool _disposed;

        /// <summary>Creates the texture object (no storage until the first update). The context must be current.</summary>
        public SharedLatentTexture(GL gl)
        {
            _gl = gl ?? throw new ArgumentNullException(nameof(gl));
            Handle = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, Handle);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Nearest);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
            gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        }

        /// <summary>The GL texture name (GL_TEXTURE_2D, internal format GL_RGBA32F). See the thread rules in the remarks.</summary>
        public uint Handle { get; }

        /// <summary>Texture width in texels (<see cref="Columns"/> x <see cref="ItemWidth"/>); 0 before the first update.</summary>
        public int Width => Columns * ItemWidth;

        /// <summary>Texture height in texels (<see cref="Rows"/> x <see cref="ItemHeight"/>); 0 before the first update.</summary>
        public int Height => Rows * ItemHeight;

        /// <summary>Width of one batch item in texels.</summary>
        public int ItemWidth { get; private set; }

        /// <summary>Height of one batch item in texels.</summary>
        public int ItemHeight { get; private set; }

        /// <summary>Number of batch items held.</summary>
        public int Items { get; private set; }

        /// <summary>Tensor channels (1 to 4) held in R, G, B, A.</summary>
        public int Channels { get; private set; }

        /// <summary>Grid columns: ceil(sqrt(items)).</summary>
        public int Columns { get; private set; }

        /// <summary>Grid rows: ceil(items / columns).</summary>
        public int Rows { get; private set; }

        /// <summary>Sequence number of the frame uploaded last (0 before the first).</summary>
        public long Sequence { get; private set; }

        /// <summary>Uploads x0 (<paramref name="predictedOriginal"/> true) or x_t of <paramref name="frame"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
        /// <exception cref="ArgumentException">The frame is empty or has more than 4 channels.</exception>
        public void Update(DenoisingFrame frame, bool predictedOriginal)
        {
            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            Update(predictedOriginal ? frame.PredictedOriginal : frame.Latents, frame.Batch, frame.Channels, frame.Height, frame.Width);
            Sequence = frame.Sequence;
        }

        /// <summary>Uploads an NCHW float tensor of shape [<paramref name="batch"/>, <paramref name="channels"/>, <paramref name="height"/>, <paramref name="width"/>].</summary>
        /// <exception cref="ArgumentException">The shape is empty, has more than 4 channels, or does not match the span's length.</exception>
        public void Update(ReadOnlySpan<float> nchw, int batch, int channels, int height, int width)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(SharedLatentTexture));
            }

            if (batch < 1 || height < 1 || width < 1 || channels < 1)
            {
                throw new ArgumentException($"Cannot show an empty tensor [{batch}, {channels}, {height}, {width}].", nameof(nchw));
            }

            if (channels > 4)
            {
                throw new ArgumentException(
                    $"A latent texture holds up to 4 channels (RGBA); this tensor has {channels}. Show a 4-channel slice of it, or decode it to RGB first.", nameof(channels));
            }

            if (nchw.Length != batch * channels * height * width)
            {
                throw new ArgumentException($"The span holds {nchw.Length} floats but shape [{batch}, {channels}, {height}, {width}] needs {batch * channels * height * width}.", nameof(nchw));
            }

            if (batch != Items || channels != Channels || height != ItemHeight || width != ItemWidth)
            {
                Reshape(batch, channels, height, width);
            }

            Interleave(nchw);
            _gl.BindTexture(TextureTarget.Texture2D, Handle);
            _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
            _gl.TexSubImage2D<float>(TextureTarget.Texture2D, 0, 0, 0, (uint)Width, (uint)Height, PixelFormat.Rgba, PixelType.Float, _staging.AsSpan(0, Width * Height * 4));
        }

        /// <summary>Deletes the texture. Call on the context's thread.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _gl.DeleteTexture(Handle);
        }

        private void Reshape(int batch, int channels, int height, int width)
        {
            Items = batch;
            Channels = channels;
            ItemHeight = height;
            ItemWidth = width;
            Columns = (int)Math.Ceiling(Math.Sqrt(batch));
            Rows = (batch + Columns - 1) / Columns;
            int length = Width * Height * 4;
            if (_staging.Length < length)
            {
                _staging = new float[length];
            }
            else
            {
                _staging.AsSpan(0, length).Clear();
            }

            _gl.BindTexture(TextureTarget.Texture2D, Handle);
            unsafe
            {
                _gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba32f, (uint)Width, (uint)Height, 0, PixelFormat.Rgba, PixelType.Float, (void*)0);
            }
        }

        private void Interleave(ReadOnlySpan<float> nchw)
        {
            int w = ItemWidth, h = ItemHeight, texW = Width, plane = w * h;
            float[] staging = _staging;
            for (int item = 0; item < Items; item++)
            {
                int x0 = (item % Columns) * w;
                int y0 = (item / Columns) * h;
                for (int c = 0; c < Channels; c++)
                {
                    ReadOnlySpan<float> src = nchw.Slice(((item * Channels) + c) * plane, plane);
                    for (int y = 0; y < h; y++)
                    {
                        int dst = ((((y0 + y) * texW) + x0) * 4) + c;
                        ReadOnlySpan<float> row = src.Slice(y * w, w);
                        for (int x = 0; x < row.Length; x++)
                        {
                            staging[dst + (x * 4)] = row[x];
                        }
                    }
                }
            }
        }
    }
}
