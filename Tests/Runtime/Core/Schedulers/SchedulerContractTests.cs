using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Schedulers
{
    /// <summary>One contract, run against every scheduler in <see cref="SchedulerRegistry"/>.</summary>
    public sealed class SchedulerContractTests
    {
        public static IEnumerable<object[]> AllSchedulers() => SchedulerRegistry.Names.Concat(SchedulerRegistry.VariantNames).Select(n => new object[] { n });

        public static IEnumerable<object[]> AllSchedulersAndStepCounts() =>
            from name in SchedulerRegistry.Names.Concat(SchedulerRegistry.VariantNames)
            from steps in new[] { 1, 4, 10, 25, 50 }
            select new object[] { name, steps };

        [Theory]
        [MemberData(nameof(AllSchedulersAndStepCounts))]
        public void TimestepsDecreaseAndStayInTrainingRange(string name, int steps)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            if (scheduler is PNDMScheduler && steps == 1)
            {
                // Without skip_prk_steps the Runge-Kutta warm-up needs two steps; a clear error says so.
                Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(steps));
                return;
            }

            scheduler.SetTimesteps(steps);
            IReadOnlyList<float> t = scheduler.Timesteps;
            Assert.NotEmpty(t);
            int train = scheduler.Config.NumTrainTimesteps;
            Assert.All(t, v => Assert.InRange(v, 0f, train - 1));
            for (int i = 1; i < t.Count; i++)
            {
                // PNDM repeats a timestep by design (its Runge-Kutta / second PLMS step re-evaluates one point);
                // every other scheduler is strictly decreasing.
                if (scheduler is PNDMScheduler)
                {
                    Assert.True(t[i] <= t[i - 1], $"{name}: timesteps[{i}] = {t[i]} > timesteps[{i - 1}] = {t[i - 1]}");
                }
                else
                {
                    Assert.True(t[i] < t[i - 1], $"{name}: timesteps[{i}] = {t[i]} >= timesteps[{i - 1}] = {t[i - 1]}");
                }
            }
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void FullLoopPreservesShapeAndStaysFinite(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            float[] result = RunLoop(scheduler, 8, new NoiseGenerator(7), out TensorBuffer x0);
            Assert.Equal(2 * 4 * 6 * 5, result.Length);
            Assert.All(result, v => Assert.True(float.IsFinite(v)));
            Assert.All(x0.Array, v => Assert.True(float.IsFinite(v)));
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void StepBeforeSetTimestepsThrowsAClearError(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            var x = new TensorBuffer(1, 4, 8, 8);
            var ex = Assert.Throws<InvalidOperationException>(() => scheduler.Step(x, 999, x, x.CreateLike(), x.CreateLike(), new NoiseGenerator(1)));
            Assert.Contains("SetTimesteps", ex.Message);
            Assert.Contains(scheduler.Name, ex.Message);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void StepThrowsForMismatchedShapes(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            scheduler.SetTimesteps(4);
            var sample = new TensorBuffer(1, 4, 8, 8);
            var wrong = new TensorBuffer(1, 4, 8, 4);
            var ex = Assert.Throws<ArgumentException>(() => scheduler.Step(wrong, scheduler.Timesteps[0], sample, sample.CreateLike(), sample.CreateLike(), new NoiseGenerator(1)));
            Assert.Contains("[1, 4, 8, 4]", ex.Message);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void ConfigRoundTripsThroughJson(string name)
        {
            SchedulerConfig config = SchedulerRegistry.DefaultConfig(name);
            string json = config.ToJson();
            SchedulerConfig again = SchedulerConfig.Parse(json);
            Assert.Equal(config.ClassName, again.ClassName);
            Assert.Equal(json, again.ToJson());
            Assert.Empty(again.UnusedKeys);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void SameSeedGivesTheSameResultAndAnotherSeedDiffersWhereNoiseIsDrawn(string name)
        {
            float[] a = RunLoop(SchedulerRegistry.DefaultConfig(name).CreateScheduler(), 6, new NoiseGenerator(42), out _);
            float[] b = RunLoop(SchedulerRegistry.DefaultConfig(name).CreateScheduler(), 6, new NoiseGenerator(42), out _);
            Assert.Equal(a, b);

            float[] c = RunLoop(SchedulerRegistry.DefaultConfig(name).CreateScheduler(), 6, new NoiseGenerator(43), out _);
            bool stochastic = name is "DDPMScheduler" or "EulerAncestralDiscreteScheduler" or "LCMScheduler" or "dpm++2m-sde";
            Assert.Equal(stochastic, !a.SequenceEqual(c));
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void InPlaceStepMatchesSeparateBuffers(string name)
        {
            float[] separate = RunLoop(SchedulerRegistry.DefaultConfig(name).CreateScheduler(), 6, new NoiseGenerator(3), out _, inPlace: false);
            float[] inPlace = RunLoop(SchedulerRegistry.DefaultConfig(name).CreateScheduler(), 6, new NoiseGenerator(3), out _, inPlace: true);
            Assert.Equal(separate, inPlace);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void SetTimestepsResetsStateSoARunRepeats(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            float[] first = RunLoop(scheduler, 6, new NoiseGenerator(5), out _);
            float[] second = RunLoop(scheduler, 6, new NoiseGenerator(5), out _);
            Assert.Equal(first, second);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void StepAllocatesNothingAfterTheFirstRun(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            var noise = new NoiseGenerator(11);
            var sample = new TensorBuffer(1, 4, 16, 16);
            var output = sample.CreateLike();
            var x0 = sample.CreateLike();
            long allocated = 0;
            for (int run = 0; run < 2; run++)
            {
                scheduler.SetTimesteps(10);
                noise.FillGaussian(sample.Span);
                IReadOnlyList<float> timesteps = scheduler.Timesteps;
                for (int i = 0; i < timesteps.Count; i++)
                {
                    float t = timesteps[i];
                    scheduler.ScaleModelInput(sample, t, sample);
                    ReferenceModel(sample, t, output);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    scheduler.Step(output, t, sample, sample, x0, noise);
                    allocated = run == 1 ? allocated + GC.GetAllocatedBytesForCurrentThread() - before : 0;
                }
            }

            Assert.Equal(0, allocated);
        }

        [Theory]
        [MemberData(nameof(AllSchedulers))]
        public void ImageToImageStrengthRunsTheTailOfTheSchedule(string name)
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig(name).CreateScheduler();
            scheduler.SetTimesteps(20);
            int full = scheduler.Timesteps.Count;
            float fullFirst = scheduler.Timesteps[0];
            scheduler.SetTimesteps(20, 0.5);
            int half = scheduler.Timesteps.Count;
            Assert.True(scheduler.Timesteps[0] < fullFirst, $"{name}: strength 0.5 starts at {scheduler.Timesteps[0]}, the full schedule at {fullFirst}");
            if (scheduler is LCMScheduler)
            {
                // LCM draws all its steps from the lower-noise part of its origin schedule instead of cutting the tail.
                Assert.Equal(full, half);
                Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(20, 0.0));
            }
            else
            {
                Assert.InRange(half, 1, full - 1);
                scheduler.SetTimesteps(20, 0.0);
                Assert.Empty(scheduler.Timesteps);
            }
        }

        /// <summary>
        /// DPM-Solver++ rounds Karras σs to integer timesteps, and on the cosine schedule σ rises so steeply near
        /// t = 999 that the first two round to the same timestep. A run that starts at the first timestep must take
        /// every step (the value alone points at the second occurrence, where image-to-image starts, and the run
        /// overran by one). Euler keeps fractional timesteps and has no repeat.
        /// </summary>
        [Fact]
        public void AScheduleThatStartsWithARepeatedTimestepRunsEveryStep()
        {
            Scheduler scheduler = SchedulerConfig.Parse(
                "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"beta_schedule\": \"squaredcos_cap_v2\", \"prediction_type\": \"v_prediction\", \"use_karras_sigmas\": true}").CreateScheduler();
            scheduler.SetTimesteps(50);
            Assert.Equal(scheduler.Timesteps[0], scheduler.Timesteps[1]);

            float[] result = RunLoop(scheduler, 50, new NoiseGenerator(3), out _);
            Assert.Equal(50, scheduler.StepIndex);
            Assert.All(result, v => Assert.True(float.IsFinite(v)));
        }

        [Fact]
        public void SetTimestepsRejectsAnImpossibleStepCount()
        {
            var scheduler = new DDIMScheduler();
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(1001));
            Assert.Contains("1000", ex.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(0));
        }

        /// <summary>A stand-in model whose output depends on the input and t, like the reference harness.</summary>
        internal static void ReferenceModel(TensorBuffer sample, float t, TensorBuffer output) =>
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample.Span, 0.9f * t / (t + 1f), output.Span);

        private static float[] RunLoop(Scheduler scheduler, int steps, NoiseGenerator noise, out TensorBuffer x0, bool inPlace = true)
        {
            var sample = new TensorBuffer(2, 4, 6, 5);
            var init = new NoiseGenerator(1234);
            init.FillGaussian(sample.Span);
            scheduler.SetTimesteps(steps);
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample.Span, scheduler.InitNoiseSigma, sample.Span);
            var modelInput = sample.CreateLike();
            var output = sample.CreateLike();
            x0 = sample.CreateLike();
            var next = sample.CreateLike();
            foreach (float t in scheduler.Timesteps)
            {
                scheduler.ScaleModelInput(sample, t, modelInput);
                ReferenceModel(modelInput, t, output);
                if (inPlace)
                {
                    scheduler.Step(output, t, sample, sample, x0, noise);
                }
                else
                {
                    scheduler.Step(output, t, sample, next, x0, noise);
                    next.CopyTo(sample);
                }
            }

            return sample.Array.ToArray();
        }
    }
}
