using System;
using System.Collections.Generic;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Gl;
using LiveDiffusion.Rendering.Platform;
using LiveDiffusion.Rendering.Preview;
using Silk.NET.OpenGL;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests.Preview
{
    /// <summary>
    /// Renders known tensors through every view and encoding of the preview shader on a headless EGL context (Mesa
    /// llvmpipe) and compares glReadPixels with a CPU reference that applies <see cref="LatentPreview"/>'s math to the
    /// texel each pixel covers. Tolerance: 1/255 per component.
    /// </summary>
    public sealed class LatentRendererTests
    {
        private const int Item = 8;   // texels per side of each batch item
        private const int Cell = 64;  // pixels per side of each grid cell: gap 1/8 = 8 px, 48 px inside = 8 texels x 6 px
        private const float Gap = 0.125f;

        private readonly ITestOutputHelper _output;

        public LatentRendererTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases()
        {
            foreach (LatentView view in new[] { LatentView.Image, LatentView.Channels, LatentView.Tiled })
            {
                yield return new object[] { view, LatentEncoding.Pixels, 1, 3 };
                yield return new object[] { view, LatentEncoding.Pixels, 3, 1 };
                yield return new object[] { view, LatentEncoding.StableDiffusion1, 1, 4 };
                yield return new object[] { view, LatentEncoding.StableDiffusion1, 3, 4 };
            }
        }

        /// <summary>A frame whose values sweep past [-1, 1] (and past the SD clamp) in every channel, different per item.</summary>
        internal static DenoisingFrame KnownFrame(int batch, int channels, int size = Item)
        {
            var latents = new TensorBuffer(batch, channels, size, size);
            var x0 = latents.CreateLike();
            for (int n = 0; n < batch; n++)
            {
                for (int c = 0; c < channels; c++)
                {
                    Span<float> plane = latents.Plane(n, c);
                    Span<float> plane0 = x0.Plane(n, c);
                    for (int y = 0; y < size; y++)
                    {
                        for (int x = 0; x < size; x++)
                        {
                            plane[(y * size) + x] = 2.6f * MathF.Sin((0.9f * x) + (1.7f * y) + (2.1f * c) + n);
                            plane0[(y * size) + x] = ((x - (y * 0.5f)) / size * 3f) - (0.4f * c) + (0.3f * n);
                        }
                    }
                }
            }

            using var channel = new DenoisingFrameChannel();
            channel.Publish(4, 10, 500f, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(20), latents, x0);
            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame));
            return frame;
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void EveryViewMatchesTheCpuReferenceWithin1Of255(LatentView view, LatentEncoding encoding, int batch, int channels)
        {
            DenoisingFrame frame = KnownFrame(batch, channels);
            var style = new LatentStyle { View = view, Encoding = encoding, Gap = Gap, FalseColorRange = 2f };
            using var context = new HeadlessGlContext();
            GL gl = context.Gl;
            using var texture = new SharedLatentTexture(gl);
            using var renderer = new LatentRenderer(gl);
            foreach (bool x0 in new[] { false, true })
            {
                texture.Update(frame, predictedOriginal: x0);
                using var target = new OffscreenTarget(gl, texture.Columns * Cell, texture.Rows * Cell);
                target.Bind();
                gl.ClearColor(1f, 0f, 1f, 1f);
                gl.Clear(ClearBufferMask.ColorBufferBit);
                renderer.Draw(texture, 0, 0, target.Width, target.Height, style);
                RgbImage actual = target.ReadImage();
                Assert.Equal(GLEnum.NoError, gl.GetError());

                RgbImage expected = Reference(frame, x0, texture.Columns, texture.Rows, style, target.Width, target.Height);
                int worst = 0;
                for (int i = 0; i < expected.Pixels.Length; i++)
                {
                    worst = Math.Max(worst, Math.Abs(expected.Pixels[i] - actual.Pixels[i]));
                }

                _output.WriteLine($"{view} {encoding} [{batch},{channels}] {(x0 ? "x0" : "x_t")}: max error {worst}/255 over {expected.Width}x{expected.Height}");
                Assert.True(worst <= 1, $"max error {worst}/255");
            }
        }

        [Fact]
        public unsafe void TextureHoldsTheRawValuesInRgbaWithItemsInAGrid()
        {
            DenoisingFrame frame = KnownFrame(batch: 3, channels: 3, size: 5);
            using var context = new HeadlessGlContext();
            GL gl = context.Gl;
            using var texture = new SharedLatentTexture(gl);
            texture.Update(frame, predictedOriginal: true);
            Assert.Equal((2, 2, 10, 10), (texture.Columns, texture.Rows, texture.Width, texture.Height));
            Assert.Equal(frame.Sequence, texture.Sequence);

            var texels = new float[texture.Width * texture.Height * 4];
            gl.BindTexture(TextureTarget.Texture2D, texture.Handle);
            fixed (float* p = texels)
            {
                gl.GetTexImage(TextureTarget.Texture2D, 0, PixelFormat.Rgba, PixelType.Float, p);
            }

            gl.GetTexLevelParameter(TextureTarget.Texture2D, 0, GetTextureParameter.TextureInternalFormat, out int format);
            Assert.Equal((int)InternalFormat.Rgba32f, format);
            ReadOnlySpan<float> x0 = frame.PredictedOriginal;
            for (int n = 0; n < 3; n++)
            {
                for (int c = 0; c < 4; c++)
                {
                    for (int y = 0; y < 5; y++)
                    {
                        for (int x = 0; x < 5; x++)
                        {
                            int tx = ((n % 2) * 5) + x, ty = ((n / 2) * 5) + y;
                            float expected = c < 3 ? x0[(((n * 3) + c) * 25) + (y * 5) + x] : 0f;
                            Assert.Equal(expected, texels[(((ty * 10) + tx) * 4) + c]);
                        }
                    }
                }
            }
        }

        [Fact]
        public void Update_ThrowsForMoreThanFourChannels()
        {
            using var context = new HeadlessGlContext();
            using var texture = new SharedLatentTexture(context.Gl);
            var e = Assert.Throws<ArgumentException>(() => texture.Update(new float[8 * 2 * 2], 1, 8, 2, 2));
            Assert.Equal("channels", e.ParamName);
            Assert.Contains("up to 4 channels", e.Message);
        }

        [Fact]
        public void ShaderProgram_ThrowsWithTheInfoLogForABadShader()
        {
            using var context = new HeadlessGlContext();
            const string vertex = "#version 330 core\nvoid main() { gl_Position = vec4(0.0); }\n";
            var e = Assert.Throws<ShaderCompileException>(() =>
                new ShaderProgram(context.Gl, "broken", vertex, "#version 330 core\nout vec4 o;\nvoid main() { o = undefined_thing; }\n"));
            _output.WriteLine(e.Message);
            Assert.Contains("fragment shader of 'broken'", e.Message);
            Assert.Contains("undefined_thing", e.InfoLog);
        }

        /// <summary>The shader's math on the CPU, pixel by pixel (rows top to bottom).</summary>
        internal static RgbImage Reference(DenoisingFrame frame, bool x0, int columns, int rows, LatentStyle style, int width, int height)
        {
            var image = new RgbImage(width, height, 3);
            ReadOnlySpan<float> tensor = x0 ? frame.PredictedOriginal : frame.Latents;
            int channels = frame.Channels, plane = frame.PlaneLength, w = frame.Width, h = frame.Height;
            Span<float> values = stackalloc float[channels];
            byte bg(float v) => LatentPreview.ToByte(v);
            for (int py = 0; py < height; py++)
            {
                for (int px = 0; px < width; px++)
                {
                    float gx = (px + 0.5f) / width * columns, gy = (py + 0.5f) / height * rows;
                    int cx = Math.Min((int)MathF.Floor(gx), columns - 1), cy = Math.Min((int)MathF.Floor(gy), rows - 1);
                    int item = (cy * columns) + cx;
                    float lx = (gx - cx - style.Gap) / (1f - (2f * style.Gap));
                    float ly = (gy - cy - style.Gap) / (1f - (2f * style.Gap));
                    (float R, float G, float B) rgb = style.Background;
                    bool inside = item < frame.Batch && lx >= 0f && ly >= 0f && lx < 1f && ly < 1f;
                    int channel = -1;
                    if (inside && style.View == LatentView.Tiled)
                    {
                        lx = Fract(lx * 3f);
                        ly = Fract(ly * 3f);
                    }
                    else if (inside && style.View == LatentView.Channels)
                    {
                        int qx = Math.Min((int)MathF.Floor(lx * 2f), 1), qy = Math.Min((int)MathF.Floor(ly * 2f), 1);
                        channel = (qy * 2) + qx;
                        lx = (lx * 2f) - qx;
                        ly = (ly * 2f) - qy;
                        inside = channel < channels;
                    }

                    if (inside)
                    {
                        int tx = Math.Min((int)MathF.Floor(lx * w), w - 1), ty = Math.Min((int)MathF.Floor(ly * h), h - 1);
                        for (int c = 0; c < channels; c++)
                        {
                            values[c] = tensor[(((item * channels) + c) * plane) + (ty * w) + tx];
                        }

                        rgb = channel >= 0 ? LatentPreview.FalseColor(values[channel], style.FalseColorRange) : LatentPreview.ToRgb(values, style.Encoding);
                    }

                    int o = ((py * width) + px) * 3;
                    image.Pixels[o] = bg(rgb.R);
                    image.Pixels[o + 1] = bg(rgb.G);
                    image.Pixels[o + 2] = bg(rgb.B);
                }
            }

            return image;
        }

        private static float Fract(float v) => v - MathF.Floor(v);
    }
}
