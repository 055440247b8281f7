using System;
using System.Threading;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests.Live
{
    /// <summary>A component's whole life without the engine: start, tick once per frame, upload, end once; restart and cancel.</summary>
    public sealed class LiveTextureSessionTests
    {
        private static LiveTextureSession Session() =>
            new LiveTextureSession(OnnxTextureGenerator.Load(BuiltInModels.InPackage(SharedData.RepositoryRoot)), tiles: 3);

        /// <summary>Ticks like a 200 Hz render loop until the session ends; returns every tick's flags or'ed, and the frame count.</summary>
        private static (LiveTick All, int Frames, int Ends) RunToEnd(LiveTextureSession session)
        {
            LiveTick all = LiveTick.None;
            int frames = 0, ends = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (session.IsRunning)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the session did not end in 3 minutes");
                LiveTick tick = session.Tick();
                all |= tick;
                frames += (tick & LiveTick.Frame) != 0 ? 1 : 0;
                ends += (tick & (LiveTick.Finished | LiveTick.Failed | LiveTick.Cancelled)) != 0 ? 1 : 0;
                Thread.Sleep(5);
            }

            Assert.Equal(LiveTick.None, session.Tick());
            return (all, frames, ends);
        }

        [Fact]
        public void AGenerationEndsOnceWithItsTexturesAndTheFinalUploadIsTheFirstTexture()
        {
            using LiveTextureSession session = Session();
            TextureRequest request = session.Generator.RecommendedRequest(2, 5, "floor");
            session.Start(new TextureRequest { Count = 2, Seed = 5, ClassName = "floor", Steps = 10, AutoguidanceScale = request.AutoguidanceScale, GuidanceInterval = request.GuidanceInterval });
            (LiveTick all, int frames, int ends) = RunToEnd(session);

            Assert.Equal(LiveTick.Frame | LiveTick.Finished, all);
            Assert.Equal(1, ends);
            Assert.InRange(frames, 1, 10);
            Assert.Equal(9, session.Feed!.Step);
            Assert.Null(session.LastError);
            var expected = new byte[FrameRgba.ByteCount(32, 32)];
            FrameRgba.Write(session.LastResult!.Images[0], expected, bottomRowFirst: true);
            Assert.Equal(expected, session.FinalRgba);
            Assert.Equal(FrameRgba.ByteCount(32, 32, 3), session.Feed.TiledPredictedOriginal.Length);
        }

        [Fact]
        public void StartingAgainCancelsTheRunningGenerationAndCancelAndFailureEachEndOnce()
        {
            using LiveTextureSession session = Session();
            session.Start(session.Generator.RecommendedRequest(8, 1, "wall"));
            TextureGenerationJob first = session.Job!;
            session.Start(new TextureRequest { Count = 1, Seed = 2, ClassName = "wall", Steps = 3 });
            Assert.True(first.IsCompleted && first.IsCancelled, "the first generation was cancelled and awaited");
            Assert.Equal(LiveTick.Frame | LiveTick.Finished, RunToEnd(session).All);

            session.Start(session.Generator.RecommendedRequest(8, 3, "wall"));
            session.Cancel();
            (LiveTick all, _, int ends) = RunToEnd(session);
            Assert.True((all & LiveTick.Cancelled) != 0, all.ToString());
            Assert.Equal(1, ends);

            session.Start(new TextureRequest { Count = 1, ClassName = "lava", Steps = 2 });
            Assert.Equal(LiveTick.Failed, RunToEnd(session).All);
            Assert.Contains("lava", session.LastError!.Message);
        }
    }
}
