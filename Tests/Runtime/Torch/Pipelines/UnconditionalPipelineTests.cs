using System;
using System.Linq;
using System.Threading;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch.Models;
using LiveDiffusion.Torch.Tests.Models;
using TorchSharp;
using Xunit;

namespace LiveDiffusion.Torch.Tests.Pipelines
{
    /// <summary>The pixel-space pipeline over a real (randomly initialised) UNet2D through the Torch backend.</summary>
    public sealed class UnconditionalPipelineTests : IDisposable
    {
        private readonly TorchDenoiser _denoiser;

        public UnconditionalPipelineTests()
        {
            torch.manual_seed(21);
            var config = UNet2DTests.Tiny(PaddingMode.Circular, classes: 3);
            _denoiser = new TorchDenoiser(new UNet2D(new UNet2DConfig
            {
                SampleSize = config.SampleSize,
                BlockOutChannels = config.BlockOutChannels,
                DownBlockTypes = config.DownBlockTypes,
                UpBlockTypes = config.UpBlockTypes,
                LayersPerBlock = 1,
                NormNumGroups = 8,
                PaddingMode = PaddingMode.Circular,
                NumClassEmbeds = 3,
                ClassNames = new[] { "a", "b" },
            }), ownsModel: true);
        }

        private UnconditionalPipeline Pipeline(string scheduler = "ddim") => new UnconditionalPipeline(_denoiser, SchedulerRegistry.DefaultConfig(scheduler).CreateScheduler());

        /// <summary>Deterministic and stochastic schedulers alike: stochastic ones draw each image's step noise from its own stream.</summary>
        [Theory]
        [InlineData("ddim")]
        [InlineData("ddpm")]
        [InlineData("euler-a")]
        [InlineData("dpm++2m-sde")]
        public void SameSeedSameImagesAndBatchItemsEqualSingleRunsWithSeedPlusIndex(string scheduler)
        {
            TensorBuffer batch = Pipeline(scheduler).Generate(new GenerationOptions { Count = 3, Seed = 40, Steps = 4, ClassLabel = 1 });
            TensorBuffer again = Pipeline(scheduler).Generate(new GenerationOptions { Count = 3, Seed = 40, Steps = 4, ClassLabel = 1 });
            Assert.Equal(batch.Array, again.Array);

            TensorBuffer third = Pipeline(scheduler).Generate(new GenerationOptions { Count = 1, Seed = 42, Steps = 4, ClassLabel = 1 });
            float diff = 0;
            for (int i = 0; i < third.Length; i++)
            {
                diff = Math.Max(diff, Math.Abs(third.Span[i] - batch.Item(2)[i]));
            }

            // Batched and single convolutions round differently in float32 (~1e-4 after the σ-scaled steps of Euler
            // ancestral and the SDE); a different noise stream would differ by O(1), as seed 43 below does.
            Assert.True(diff < 1e-3f, $"item 2 of the batch differs from seed 42 alone by {diff}");
            TensorBuffer other = Pipeline(scheduler).Generate(new GenerationOptions { Count = 1, Seed = 43, Steps = 4, ClassLabel = 1 });
            Assert.NotEqual(third.Array, other.Array);
        }

        [Fact]
        public void GuidanceOneEqualsTheConditionalBranchAlone()
        {
            // With scale 1, uncond + 1 * (cond - uncond) = cond: the guided run must match a run without the "no class" branch.
            TensorBuffer unguided = Pipeline().Generate(new GenerationOptions { Count = 2, Seed = 5, Steps = 3, ClassLabel = 0, GuidanceScale = 1f });
            TensorBuffer guided = Pipeline().Generate(new GenerationOptions { Count = 2, Seed = 5, Steps = 3, ClassLabel = 0, GuidanceScale = 1.0001f });
            float diff = unguided.Array.Zip(guided.Array, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(diff < 5e-3f, $"guidance 1.0001 differs from the conditional branch by {diff}");
            TensorBuffer strong = Pipeline().Generate(new GenerationOptions { Count = 2, Seed = 5, Steps = 3, ClassLabel = 0, GuidanceScale = 4f });
            Assert.True(unguided.Array.Zip(strong.Array, (a, b) => Math.Abs(a - b)).Max() > 1e-2f);
        }

        [Fact]
        public void EveryStepIsReportedWithXtAndX0()
        {
            int calls = 0;
            float lastTimestep = float.MaxValue;
            TensorBuffer result = Pipeline("dpm++2m").Generate(new GenerationOptions { Count = 1, Seed = 1, Steps = 6, ClassLabel = 1 }, step =>
            {
                Assert.Equal(calls, step.Index);
                Assert.Equal(6, step.Count);
                Assert.True(step.Timestep < lastTimestep);
                Assert.Equal(step.Latents.Length, step.PredictedOriginal.Length);
                lastTimestep = step.Timestep;
                calls++;
            });
            Assert.Equal(6, calls);
            Assert.All(result.Array, v => Assert.True(float.IsFinite(v)));
        }

        [Fact]
        public void LargerSizesWorkAndCancellationStopsWithinAStep()
        {
            TensorBuffer big = Pipeline().Generate(new GenerationOptions { Count = 1, Seed = 2, Steps = 2, Width = 32, Height = 48, ClassLabel = 0 });
            Assert.Equal((48, 32), (big.Height, big.Width));

            using var cancellation = new CancellationTokenSource();
            int steps = 0;
            Assert.Throws<OperationCanceledException>(() => Pipeline().Generate(new GenerationOptions { Count = 1, Seed = 2, Steps = 10, ClassLabel = 0 }, _ =>
            {
                if (++steps == 3)
                {
                    cancellation.Cancel();
                }
            }, cancellation.Token));
            Assert.Equal(3, steps);
            Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline().Generate(new GenerationOptions { Width = 31, ClassLabel = 0 }));
            Assert.Throws<ArgumentOutOfRangeException>(() => Pipeline().Generate(new GenerationOptions { ClassLabel = 5 }));
        }

        [Fact]
        public void TileByRollingRollsTheInputAndRollsTheOutputBack()
        {
            // A denoiser that reads the next pixel to the right with wrap-around commutes with rolling: if every step's
            // roll is undone on the output, a rolled run equals a plain one exactly. The same denoiser with zero padding
            // at the right edge does not commute, so there the runs must differ (the rolls did happen).
            foreach (bool wrap in new[] { true, false })
            {
                var stencil = new StencilDenoiser(wrap);
                var pipeline = new UnconditionalPipeline(stencil, SchedulerRegistry.DefaultConfig("ddim").CreateScheduler());
                TensorBuffer plain = pipeline.Generate(new GenerationOptions { Count = 2, Seed = 9, Steps = 6, Width = 12, Height = 8 });
                TensorBuffer rolled = pipeline.Generate(new GenerationOptions { Count = 2, Seed = 9, Steps = 6, Width = 12, Height = 8, TileByRolling = true });
                if (wrap)
                {
                    Assert.Equal(plain.Array, rolled.Array);
                }
                else
                {
                    Assert.NotEqual(plain.Array, rolled.Array);
                }
            }
        }

        /// <summary>ε = 0.6·x + 0.3·x(right neighbour), the neighbour read with wrap-around or as zero past the edge.</summary>
        private sealed class StencilDenoiser : IDenoiser
        {
            private readonly bool _wrap;

            public StencilDenoiser(bool wrap) => _wrap = wrap;

            public DenoiserInfo Info { get; } = new DenoiserInfo { InChannels = 3, OutChannels = 3, SampleSize = 8 };

            public void Predict(DenoiserInput input, TensorBuffer output)
            {
                TensorBuffer x = input.Sample;
                for (int b = 0; b < x.Batch; b++)
                {
                    for (int c = 0; c < x.Channels; c++)
                    {
                        Span<float> source = x.Plane(b, c), target = output.Plane(b, c);
                        for (int row = 0; row < x.Height; row++)
                        {
                            for (int col = 0; col < x.Width; col++)
                            {
                                int next = col + 1;
                                float neighbour = next < x.Width ? source[(row * x.Width) + next] : _wrap ? source[row * x.Width] : 0f;
                                target[(row * x.Width) + col] = (0.6f * source[(row * x.Width) + col]) + (0.3f * neighbour);
                            }
                        }
                    }
                }
            }

            public void Dispose()
            {
            }
        }

        public void Dispose() => _denoiser.Dispose();
    }
}
