using System;
using System.Runtime.InteropServices;
using System.Threading;
using LiveDiffusion.Rendering.Platform;
using Silk.NET.OpenGL;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests
{
    /// <summary>Needs libglfw3 and an X server (Xvfb in CI: <c>xvfb-run -a dotnet test Tests/Runtime/Rendering</c>).</summary>
    [Collection(DisplayCollection.Name)]
    public sealed class GlfwWindowTests
    {
        private readonly ITestOutputHelper _output;

        public GlfwWindowTests(ITestOutputHelper output) => _output = output;

        [DisplayFact]
        public void Window_HasCoreContext_AndItsBackBufferReadsBackTheClearColour()
        {
            using var window = new GlfwWindow("LiveDiffusion test", 64, 48, visible: true);
            var gl = window.Gl;
            string version = gl.GetStringS(StringName.Version) ?? "";
            _output.WriteLine($"{version} on {gl.GetStringS(StringName.Renderer)}");

            Assert.True(GlPixels.ParseVersion(version) >= new Version(3, 3), version);
            var (width, height) = window.FramebufferSize;
            Assert.Equal((64, 48), (width, height));

            gl.ClearColor(0f, 1f, 0f, 1f);
            gl.Clear(ClearBufferMask.ColorBufferBit);
            byte[] pixel = GlPixels.ReadRgba(gl, width / 2, height / 2);
            Assert.Equal(new byte[] { 0, 255, 0, 255 }, pixel);
            Assert.Equal(GLEnum.NoError, gl.GetError());

            window.SwapBuffers();
            window.PollEvents();
            Assert.False(window.ShouldClose);
        }

        [DisplayFact]
        public void ShouldClose_CanBeSetByCode()
        {
            using var window = new GlfwWindow("LiveDiffusion test", 32, 32, visible: false);
            window.ShouldClose = true;
            Assert.True(window.ShouldClose);
        }

        [DisplayFact]
        public void Resize_RaisesFramebufferResized_AndAHandlerExceptionIsRethrownFromPollEvents()
        {
            using var window = new GlfwWindow("LiveDiffusion test", 32, 32, visible: true);
            (int W, int H)? resized = null;
            window.FramebufferResized += (w, h) => resized = (w, h);

            glfwSetWindowSize(window.Handle, 80, 60);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (resized == null && DateTime.UtcNow < deadline)
            {
                window.PollEvents();
                Thread.Sleep(10);
            }

            Assert.Equal((80, 60), resized);
            Assert.Equal((80, 60), window.FramebufferSize);

            // A handler exception must not unwind through GLFW's native frames; it surfaces from PollEvents.
            window.FramebufferResized += (w, h) => throw new InvalidOperationException("handler failed");
            glfwSetWindowSize(window.Handle, 40, 30);
            var thrown = Record.Exception(() =>
            {
                var until = DateTime.UtcNow.AddSeconds(5);
                while (DateTime.UtcNow < until)
                {
                    window.PollEvents();
                    Thread.Sleep(10);
                }
            });
            Assert.IsType<InvalidOperationException>(thrown);
            Assert.Equal("handler failed", thrown!.Message);
        }

        [DllImport("libglfw.so.3")]
        private static extern void glfwSetWindowSize(IntPtr window, int width, int height);

        [DisplayFact]
        public void TwoWindows_CanBeOpenAtOnce_AndClosingOneKeepsGlfwUp()
        {
            using var first = new GlfwWindow("first", 32, 32, visible: false);
            using (var second = new GlfwWindow("second", 32, 32, visible: false))
            {
                second.MakeCurrent();
                Assert.False(string.IsNullOrEmpty(second.Gl.GetStringS(StringName.Version)));
            }
            first.MakeCurrent();
            Assert.False(string.IsNullOrEmpty(first.Gl.GetStringS(StringName.Version)));
            first.PollEvents();
        }

        [DisplayFact]
        public void Constructor_ThrowsWhileAnotherThreadHasWindowsOpen()
        {
            using var window = new GlfwWindow("owner", 32, 32, visible: false);
            var thrown = Record.Exception(() =>
            {
                Exception? inner = null;
                var other = new Thread(() =>
                {
                    try { new GlfwWindow("intruder", 32, 32, visible: false).Dispose(); }
                    catch (Exception e) { inner = e; }
                });
                other.Start();
                other.Join();
                if (inner != null) throw inner;
            });
            Assert.IsType<InvalidOperationException>(thrown);
            Assert.Contains("not thread-safe", thrown!.Message);
        }

        [DisplayFact]
        public void Constructor_ThrowsForBadSize()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new GlfwWindow("bad", 0, 10));
            Assert.Throws<ArgumentNullException>(() => new GlfwWindow(null!, 10, 10));
        }
    }
}
