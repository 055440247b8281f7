using System;
using System.Linq;
using System.Threading;
using LiveDiffusion.Live;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests.Live
{
    /// <summary>
    /// What an engine component does, without the engine: the form's fields become a request, the built-in model
    /// generates on a thread of its own, and a main-thread loop polls the frames, progress and result.
    /// </summary>
    public sealed class TextureGenerationJobTests : IDisposable
    {
        private readonly TextureGenerator _generator = OnnxTextureGenerator.Load(BuiltInModels.InPackage(SharedData.RepositoryRoot));

        [Fact]
        public void AJobGeneratesOffTheMainThreadWhileThePolledFeedFollowsItAndTheResultIsTheDirectGeneration()
        {
            TextureRequestForm form = TextureRequestForm.For(_generator);
            form.Count = 2;
            form.Seed = 11;
            form.Steps = 12;
            TextureRequest request = form.ToRequest(_generator);
            Assert.Equal("floor", request.ClassName);
            Assert.Equal(_generator.RecommendedAutoguidanceScale, request.AutoguidanceScale);

            int mainThread = Environment.CurrentManagedThreadId;
            using var job = TextureGenerationJob.Start(_generator, request);
            var feed = new LiveTextureFeed(job.Frames, LatentEncoding.Pixels, tiles: 3);
            float progress = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!job.IsCompleted || feed.Poll())
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the job did not finish in 3 minutes");
                Assert.True(job.Progress >= progress, "progress never goes back");
                progress = job.Progress;
                feed.Poll();
                Thread.Sleep(5);
            }

            Assert.Equal(mainThread, Environment.CurrentManagedThreadId);
            Assert.Null(job.Error);
            Assert.False(job.IsCancelled);
            Assert.Equal(12, job.StepsDone);
            Assert.Equal(1f, job.Progress);
            Assert.Equal(11, feed.Step);
            Assert.Equal(12, feed.Updates + feed.Superseded);
            GeneratedTextures result = job.Result!;

            // The same request generated directly gives the same textures: the job only moved the work to another thread.
            GeneratedTextures direct = _generator.Generate(request);
            Assert.Equal(direct.Recipes, result.Recipes);
            Assert.True(direct.Images.Zip(result.Images, (a, b) => a.Pixels.AsSpan().SequenceEqual(b.Pixels)).All(same => same));
        }

        [Fact]
        public void CancellingEndsTheJobAtTheNextStepWithoutAnError()
        {
            TextureRequest request = _generator.RecommendedRequest(4, 3, "wall");
            using var job = TextureGenerationJob.Start(_generator, request);
            while (job.StepsDone == 0 && !job.IsCompleted)
            {
                Thread.Sleep(1);
            }

            job.Cancel();
            Assert.True(job.Wait(TimeSpan.FromMinutes(1)));
            Assert.True(job.IsCancelled);
            Assert.Null(job.Error);
            Assert.Null(job.Result);
            Assert.True(job.StepsDone < request.Steps, $"{job.StepsDone} of {request.Steps} steps ran");
            Assert.True(job.Frames.IsCompleted);
        }

        [Fact]
        public void AFormWithBadFieldsNamesEachFieldAndItsFix()
        {
            var form = new TextureRequestForm { ClassName = "lava", Seed = -1, Steps = 0, Count = 65, Scheduler = "fast" };
            string[] problems = form.Problems(_generator).ToArray();
            Assert.Equal(5, problems.Length);
            Assert.StartsWith("Seed: -1 is negative", problems[0]);
            Assert.Equal("Count: 65 is outside 1 to 64.", problems[1]);
            Assert.Equal($"Steps: 0 is outside 1 to 1000; this model recommends {_generator.RecommendedSteps}.", problems[2]);
            Assert.Equal("Class: This model has no class 'lava'. Its classes: floor, wall.", problems[3]);
            Assert.StartsWith("Scheduler: Unknown scheduler 'fast'. Known: ", problems[4]);
            Assert.Contains("Count: 65", Assert.Throws<ArgumentException>(() => form.ToRequest(_generator)).Message);

            var job = TextureGenerationJob.Start(_generator, new TextureRequest { Count = 1, ClassName = "lava", Steps = 2 });
            Assert.True(job.Wait(TimeSpan.FromMinutes(1)));
            Assert.NotNull(job.Error);
            Assert.False(job.IsCancelled);
            job.Dispose();
        }

        public void Dispose() => _generator.Dispose();
    }
}
