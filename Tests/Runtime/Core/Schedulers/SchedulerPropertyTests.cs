using System;
using System.Linq;
using CsCheck;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Schedulers
{
    /// <summary>Properties that must hold for any sample, noise and timestep (CsCheck generates the cases).</summary>
    public sealed class SchedulerPropertyTests
    {
        private static readonly string[] Names =
        {
            "DDPMScheduler", "DDIMScheduler", "PNDMScheduler", "EulerDiscreteScheduler",
            "EulerAncestralDiscreteScheduler", "DPMSolverMultistepScheduler", "LCMScheduler",
        };

        /// <summary>
        /// x_t = AddNoise(x₀, ε, t); a step fed the true ε must report x₀ back as its prediction (LCM reports its
        /// boundary-condition blend c_out·x₀ + c_skip·x_t, which at these timesteps differs from x₀ by under 1e-4).
        /// </summary>
        [Fact]
        public void AddNoiseThenAStepWithThePerfectEpsilonRecoversX0()
        {
            Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[2, 30], Gen.Int[0, 1000], Gen.ULong)
                .Sample((which, steps, pick, seed) =>
                {
                    SchedulerConfig config = SchedulerRegistry.DefaultConfig(Names[which]);
                    config = SchedulerConfig.Parse(config.ToJson().Replace("\"clip_sample\": true", "\"clip_sample\": false"));
                    Scheduler scheduler = config.CreateScheduler();
                    scheduler.SetTimesteps(Math.Min(steps, 50));
                    int index = pick % scheduler.Timesteps.Count;
                    float t = scheduler.Timesteps[index];

                    var noise = new NoiseGenerator(seed);
                    var x0 = new TensorBuffer(1, 3, 4, 4);
                    var eps = x0.CreateLike();
                    noise.FillGaussian(x0.Span);
                    noise.FillGaussian(eps.Span);
                    var xt = x0.CreateLike();

                    // Walk the schedule to the chosen step with the perfect model so multistep state is consistent.
                    for (int i = 0; i <= index; i++)
                    {
                        float ti = scheduler.Timesteps[i];
                        scheduler.AddNoise(x0, eps, ti, xt);
                        var predicted = x0.CreateLike();
                        scheduler.Step(eps, ti, xt, xt.CreateLike(), predicted, noise);
                        if (i == index)
                        {
                            float maxError = x0.Array.Zip(predicted.Array, (a, b) => Math.Abs(a - b)).Max();
                            Assert.True(maxError < 2e-3f, $"{Names[which]} at t = {t}: max |x0 - predicted| = {maxError}");
                        }
                    }
                }, iter: 60);
        }

        /// <summary>Deterministic DDIM with the true ε lands exactly on AddNoise(x₀, ε, t_prev).</summary>
        [Fact]
        public void DdimWithThePerfectEpsilonFollowsTheForwardProcess()
        {
            Gen.Select(Gen.Int[2, 50], Gen.ULong).Sample((steps, seed) =>
            {
                var scheduler = new DDIMScheduler(new DDIMSchedulerConfig { ClipSample = false });
                scheduler.SetTimesteps(steps);
                var noise = new NoiseGenerator(seed);
                var x0 = new TensorBuffer(1, 2, 3, 3);
                var eps = x0.CreateLike();
                noise.FillGaussian(x0.Span);
                noise.FillGaussian(eps.Span);
                var xt = x0.CreateLike();
                var prev = x0.CreateLike();
                var expected = x0.CreateLike();
                var predicted = x0.CreateLike();
                for (int i = 0; i + 1 < scheduler.Timesteps.Count; i++)
                {
                    scheduler.AddNoise(x0, eps, scheduler.Timesteps[i], xt);
                    scheduler.Step(eps, scheduler.Timesteps[i], xt, prev, predicted);
                    scheduler.AddNoise(x0, eps, scheduler.Timesteps[i + 1], expected);
                    float maxError = expected.Array.Zip(prev.Array, (a, b) => Math.Abs(a - b)).Max();
                    Assert.True(maxError < 1e-4f, $"step {i}: {maxError}");
                }
            }, iter: 40);
        }
    }
}
