using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Platform;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Torch.Models;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Rendering.Tests.Viewer
{
    /// <summary>
    /// The real window (GLFW under Xvfb) showing a real generation of the built-in model. Needs libglfw3 and an X
    /// server: <c>xvfb-run -a dotnet test Tests/Runtime/Rendering</c>.
    /// </summary>
    [Collection(DisplayCollection.Name)]
    public sealed class LiveViewerTests
    {
        private readonly ITestOutputHelper _output;

        public LiveViewerTests(ITestOutputHelper output) => _output = output;

        [DisplayFact]
        public void WindowShowsTheGenerationStepByStep_AndWhatItShowsIsThePublishedFrames()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            using var channel = new DenoisingFrameChannel();
            var shown = new List<ShownFrame>();
            var options = new LiveViewerOptions
            {
                Model = "dungeon-textures",
                Seed = "3",
                Width = 640,
                Height = 360,
                Linger = TimeSpan.Zero,
                FrameShown = f =>
                {
                    lock (shown)
                    {
                        shown.Add(f);
                    }
                },
            };

            GeneratedTextures result;
            using (LiveViewer viewer = LiveViewer.Open(channel, options))
            {
                // A real user watches at human speed: give the window time to draw each step (the denoiser never waits).
                result = generator.Generate(
                    new TextureRequest { ClassName = "floor", Seed = 3, Steps = 12, Count = 1 },
                    step =>
                    {
                        channel.Publish(step);
                        Thread.Sleep(40);
                    },
                    viewer.Closed);
                channel.Complete();
                Assert.True(viewer.WaitForExit(TimeSpan.FromSeconds(30)), "the viewer did not close after the generation completed");
                Assert.False(viewer.Closed.IsCancellationRequested, "completion must not look like a user cancel");
            }

            _output.WriteLine($"published {channel.Published}, shown {shown.Count}: steps {string.Join(", ", shown.Select(s => s.Frame.Index + 1))}");
            Assert.True(shown.Count >= 2, $"only {shown.Count} frames were shown");
            for (int i = 1; i < shown.Count; i++)
            {
                Assert.True(shown[i].Frame.Sequence > shown[i - 1].Frame.Sequence, "frames must advance");
            }

            ShownFrame first = shown[0], last = shown[^1];
            Assert.True(last.Frame.IsFinalStep, $"the last frame shown is step {last.Frame.Index + 1} of {last.Frame.Count}");
            Assert.Equal(result.Raw.Array, last.Frame.Latents.ToArray()); // the final x_t is the generated texture

            foreach (ShownFrame s in new[] { first, last })
            {
                int x0Error = PanelCheck.MaxError(s.Image, s.PredictedOriginalPanel, s.Frame, predictedOriginal: true, LatentEncoding.Pixels);
                int xtError = PanelCheck.MaxError(s.Image, s.LatentsPanel, s.Frame, predictedOriginal: false, LatentEncoding.Pixels);
                _output.WriteLine($"step {s.Frame.Index + 1}: panels {s.LatentsPanel} / {s.PredictedOriginalPanel}, max error x_t {xtError}/255, x0 {x0Error}/255");
                Assert.True(x0Error <= 1 && xtError <= 1, $"step {s.Frame.Index + 1}: the window does not show the published frame (x_t {xtError}, x0 {x0Error})");
            }

            byte[] a = PanelCheck.Crop(first.Image, first.PredictedOriginalPanel);
            byte[] b = PanelCheck.Crop(last.Image, last.PredictedOriginalPanel);
            int differing = a.Where((v, i) => Math.Abs(v - b[i]) > 8).Count();
            Assert.True(differing > a.Length / 10, $"x0 at step {first.Frame.Index + 1} and step {last.Frame.Index + 1} look the same ({differing} of {a.Length} components differ)");
        }

        [DisplayFact]
        public void ClosingTheWindowCancelsTheGeneration()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            using var channel = new DenoisingFrameChannel();
            int steps = 0;
            using LiveViewer viewer = LiveViewer.Open(channel, new LiveViewerOptions { Width = 320, Height = 200 });
            Exception? thrown = Record.Exception(() => generator.Generate(
                new TextureRequest { ClassName = "wall", Seed = 1, Steps = 1000, Scheduler = "ddpm", Count = 1 },
                step =>
                {
                    channel.Publish(step);
                    if (++steps == 3)
                    {
                        WindowManager.RequestClose(viewer.NativeWindow); // the user clicks the close button
                    }
                },
                viewer.Closed));

            _output.WriteLine($"stopped after {steps} of 1000 steps");
            Assert.IsAssignableFrom<OperationCanceledException>(thrown);
            Assert.True(viewer.Closed.IsCancellationRequested);
            Assert.True(steps < 1000);
            Assert.True(viewer.WaitForExit(TimeSpan.FromSeconds(10)));
        }

        [DisplayFact]
        public void KeysSwitchTheViewSaveTheFramePauseAndClose()
        {
            string saves = Path.Combine(Path.GetTempPath(), "ld-viewer-keys-" + Guid.NewGuid().ToString("N"));
            using var channel = new DenoisingFrameChannel();
            var shown = new List<ShownFrame>();
            var options = new LiveViewerOptions
            {
                Width = 320,
                Height = 200,
                SaveFolder = saves,
                FrameShown = f =>
                {
                    lock (shown)
                    {
                        shown.Add(f);
                    }
                },
            };
            var latents = new TensorBuffer(1, 3, 16, 16);
            var x0 = latents.CreateLike();
            new NoiseGenerator(4).FillGaussian(latents);
            int index = 0;
            void Publish()
            {
                channel.Publish(index, 10, 900 - (index * 90), TimeSpan.FromMilliseconds(index * 10), TimeSpan.FromMilliseconds(10), latents, x0);
                index++;
            }

            ShownFrame WaitForShown(int count)
            {
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    lock (shown)
                    {
                        if (shown.Count >= count)
                        {
                            return shown[count - 1];
                        }
                    }

                    Thread.Sleep(10);
                }

                throw new Xunit.Sdk.XunitException($"frame {count} was not shown within 20 s");
            }

            try
            {
                using LiveViewer viewer = LiveViewer.Open(channel, options);
                Publish();
                Assert.Equal(LatentView.Image, WaitForShown(1).View);

                WindowManager.PressKey(viewer.NativeWindow, WindowManager.KeyThree);
                Thread.Sleep(300);
                Publish();
                Assert.Equal(LatentView.Tiled, WaitForShown(2).View);

                WindowManager.PressKey(viewer.NativeWindow, WindowManager.KeyS);
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(10) && !(Directory.Exists(saves) && Directory.GetFiles(saves, "viewer-*-tiled.png").Length > 0))
                {
                    Thread.Sleep(20);
                }

                string saved = Assert.Single(Directory.GetFiles(saves, "viewer-*.png"));
                Assert.EndsWith("step-02of10-tiled.png", saved, StringComparison.Ordinal);

                WindowManager.PressKey(viewer.NativeWindow, WindowManager.KeySpace);
                Thread.Sleep(300);
                Publish();
                Thread.Sleep(700);
                Assert.Equal(2, viewer.FramesShown); // paused: the new step waits
                WindowManager.PressKey(viewer.NativeWindow, WindowManager.KeySpace);
                Assert.Equal(3, WaitForShown(3).Frame.Index + 1);

                Assert.False(viewer.Closed.IsCancellationRequested);
                WindowManager.PressKey(viewer.NativeWindow, WindowManager.KeyEscape);
                Assert.True(viewer.WaitForExit(TimeSpan.FromSeconds(10)), "Escape did not close the window");
                Assert.True(viewer.Closed.IsCancellationRequested, "Escape must cancel the generation, as the close button does");
            }
            finally
            {
                if (Directory.Exists(saves))
                {
                    Directory.Delete(saves, true);
                }
            }
        }

        [DisplayFact]
        public void Open_ThrowsWhileGlfwIsInUseOnAnotherThread()
        {
            using var window = new GlfwWindow("owner", 32, 32, visible: false);
            using var channel = new DenoisingFrameChannel();
            var e = Assert.Throws<InvalidOperationException>(() => LiveViewer.Open(channel));
            Assert.Contains("could not open its window", e.Message);
            Assert.Contains("not thread-safe", e.Message);
        }
    }
}
