using System;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Rendering.Platform;
using Silk.NET.OpenGL;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>Needs EGL with a desktop OpenGL driver (Mesa: libegl1 libegl-mesa0 libgl1-mesa-dri); no display.</summary>
    public sealed class HeadlessGlContextTests
    {
        private readonly ITestOutputHelper _output;

        public HeadlessGlContextTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Constructor_GivesCoreContextOf33OrLater()
        {
            using var context = new HeadlessGlContext();
            _output.WriteLine($"{context.Version} on {context.Renderer}");

            Assert.True(GlPixels.ParseVersion(context.Version) >= new Version(3, 3), context.Version);
            Assert.False(string.IsNullOrEmpty(context.Renderer));
            context.Gl.GetInteger(GetPName.ContextProfileMask, out int profile);
            Assert.Equal((int)ContextProfileMask.CoreProfileBit, profile & (int)ContextProfileMask.CoreProfileBit);
        }

        [Fact]
        public unsafe void ClearedFramebufferObject_ReadsBackTheClearColour()
        {
            using var context = new HeadlessGlContext();
            var gl = context.Gl;
            const uint size = 16;

            uint texture = gl.GenTexture();
            gl.BindTexture(TextureTarget.Texture2D, texture);
            gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, size, size, 0, PixelFormat.Rgba, PixelType.UnsignedByte, (void*)0);
            uint framebuffer = gl.GenFramebuffer();
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
            gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, texture, 0);
            Assert.Equal(GLEnum.FramebufferComplete, gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer));

            gl.Viewport(0, 0, size, size);
            gl.ClearColor(1f, 0.5f, 0f, 1f); // orange: 255, 128 (0.5 * 255 = 127.5 rounds to 128, allow 127), 0, 255
            gl.Clear(ClearBufferMask.ColorBufferBit);
            byte[] corner = GlPixels.ReadRgba(gl, 0, 0);
            byte[] centre = GlPixels.ReadRgba(gl, 8, 8);

            Assert.Equal(GLEnum.NoError, gl.GetError());
            foreach (var pixel in new[] { corner, centre })
            {
                Assert.Equal(255, pixel[0]);
                Assert.InRange(pixel[1], (byte)127, (byte)128);
                Assert.Equal(0, pixel[2]);
                Assert.Equal(255, pixel[3]);
            }

            gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            gl.DeleteFramebuffer(framebuffer);
            gl.DeleteTexture(texture);
        }

        [Fact]
        public void TwoContexts_CanLiveTogether_AndDisposingOneLeavesTheOtherWorking()
        {
            using var first = new HeadlessGlContext();
            using (var second = new HeadlessGlContext())
            {
                Assert.False(string.IsNullOrEmpty(second.Version));
            }

            first.MakeCurrent();
            Assert.False(string.IsNullOrEmpty(first.Gl.GetStringS(StringName.Renderer)));
            Assert.Equal(GLEnum.NoError, first.Gl.GetError());
        }

        [Fact]
        public void ContextsOnTwoThreads_EachWorkOnTheirOwnThread()
        {
            // Synchronous on purpose: an await could resume on another thread, where this context is not current.
            using var context = new HeadlessGlContext();
            string? renderer = null;
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    using var worker = new HeadlessGlContext();
                    worker.MakeCurrent();
                    renderer = worker.Gl.GetStringS(StringName.Renderer);
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
            Assert.Null(failure);

            Assert.False(string.IsNullOrEmpty(renderer));
            context.MakeCurrent();
            Assert.Equal(GLEnum.NoError, context.Gl.GetError());
        }

        [Fact]
        public void PublicConstructor_UsesTheSurfacelessPlatform_WhenMesaHasIt()
        {
            using var context = new HeadlessGlContext();
            Assert.Equal("EGL surfaceless", context.Method);
        }

        [Fact]
        public void MakeCurrent_ThrowsForDisposedContext()
        {
            var context = new HeadlessGlContext();
            context.Dispose();
            Assert.Throws<ObjectDisposedException>(() => context.MakeCurrent());
        }
    }
}
