using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Pipelines.Guidance;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    /// <summary>The guiders on their own: interval, batch layout, combine step, and the rules that pick one for a texture generation.</summary>
    public sealed class GuiderTests
    {
        private const int Count = 2;

        [Fact]
        public void AnIntervalIsInclusiveAndNoIntervalMeansEveryStep()
        {
            var cfg = new ClassifierFreeGuidance(2f, (100f, 400f));
            Assert.True(cfg.IsActiveAt(100f));
            Assert.True(cfg.IsActiveAt(400f));
            Assert.False(cfg.IsActiveAt(99.5f));
            Assert.False(cfg.IsActiveAt(401f));
            Assert.True(new Autoguidance(1.7f).IsActiveAt(999f));
            Assert.True(NoGuidance.Instance.IsActiveAt(0f));
        }

        [Fact]
        public void ImpossibleScalesAndIntervalsAreRefusedByName()
        {
            Assert.Contains("scale", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierFreeGuidance(-1f)).Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new Autoguidance(float.NaN));
            Assert.Throws<ArgumentOutOfRangeException>(() => new Autoguidance(float.PositiveInfinity));
            Assert.Contains("LOW <= HIGH", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierFreeGuidance(2f, (400f, 100f))).Message);
        }

        [Fact]
        public void ClassifierFreeGuidanceBatchesConditionalRowsFirstAndExtrapolatesFromTheUnconditionalOnes()
        {
            var model = new LabelDenoiser();
            var guider = new ClassifierFreeGuidance(3f, (0f, 500f));
            GuidedPrediction step = Prepare(guider, model, guide: null);

            guider.Predict(step, 250f);
            Assert.Equal(new[] { 1, 1, 9, 9 }, model.Labels.Single());

            // cond = 1 + x, uncond = 9 + x: uncond + 3 · (cond − uncond) = 9 + x − 24.
            Assert.All(step.Prediction.Array.Select((v, i) => v - step.Scaled.Array[i]), v => Assert.Equal(-15f, v, 4));

            // Outside the interval the conditional rows run alone, at half the batch, and their prediction is used as it is.
            guider.Predict(step, 750f);
            Assert.Equal(new[] { 1, 1 }, model.Labels.Last());
            Assert.All(step.Prediction.Array.Select((v, i) => v - step.Scaled.Array[i]), v => Assert.Equal(1f, v, 4));
        }

        [Fact]
        public void AutoguidanceGivesTheGuideTheModelsRowsAndSkipsItOutsideTheInterval()
        {
            var model = new LabelDenoiser(offset: 2f);
            var guide = new LabelDenoiser(offset: 0f);
            var guider = new Autoguidance(1.5f, (0f, 500f));
            GuidedPrediction step = Prepare(guider, model, guide);

            guider.Predict(step, 100f);
            Assert.Equal(model.Labels.Single(), guide.Labels.Single());
            Assert.Equal(new[] { 1, 1 }, guide.Labels.Single());

            // model = 3 + x, guide = 1 + x: guide + 1.5 · (model − guide) = 4 + x.
            Assert.All(step.Prediction.Array.Select((v, i) => v - step.Scaled.Array[i]), v => Assert.Equal(4f, v, 4));

            guider.Predict(step, 900f);
            Assert.Single(guide.Labels);
            Assert.Equal(2, model.Labels.Count);
            Assert.All(step.Prediction.Array.Select((v, i) => v - step.Scaled.Array[i]), v => Assert.Equal(3f, v, 4));
        }

        [Fact]
        public void NoGuidanceRunsTheConditionalRowsOnce()
        {
            var model = new LabelDenoiser();
            GuidedPrediction step = Prepare(NoGuidance.Instance, model, guide: null);
            NoGuidance.Instance.Predict(step, 10f);
            Assert.Equal(new[] { 1, 1 }, model.Labels.Single());
            Assert.Throws<InvalidOperationException>(() => step.BatchedOutput);
            Assert.Throws<ArgumentException>(() => Prepare(new Autoguidance(2f), model, guide: null));
        }

        /// <summary>
        /// Conditioning channels (a depth map, an inpainting mask) are rolled with the latents at every step of a seamless
        /// generation, by the same offset: the model sees the latent and the depth channel of the same pixel together.
        /// (They used to be rolled in place step after step, so from the second step on they drifted away.)
        /// </summary>
        [Fact]
        public void FixedChannelsAreRolledWithTheLatentsAtEveryStep()
        {
            var latents = new TensorBuffer(1, 1, 4, 4);
            var depth = new TensorBuffer(1, 1, 4, 4);
            var seen = new List<bool>();
            var model = new RecordingDenoiser(input => seen.Add(input.Sample.Plane(0, 0).SequenceEqual(input.Sample.Plane(0, 1))));
            var step = new GuidedPrediction(NoGuidance.Instance, model, null, latents, depth, (input, _) => { }, new LatentRoll(5, 4, 4));
            for (int i = 0; i < 16; i++)
            {
                depth.Span[i] = i;
                step.Scaled.Span[i] = i;
            }

            for (int t = 0; t < 6; t++)
            {
                NoGuidance.Instance.Predict(step, t);
            }

            Assert.Equal(Enumerable.Repeat(true, 6), seen);
        }

        [Fact]
        public void TheTextureRulesPickAutoguidanceThenClassifierFreeGuidanceThenNone()
        {
            DenoiserInfo conditional = new LabelDenoiser().Info;
            DenoiserInfo noNullClass = new DenoiserInfo { InChannels = 3, OutChannels = 3, SampleSize = 4, ClassCount = 2 };
            (float, float) interval = (0f, 400f);

            Guider auto = UnconditionalPipeline.GuiderFor(new GenerationOptions { AutoguidanceScale = 1.7f, GuidanceInterval = interval }, conditional);
            Assert.IsType<Autoguidance>(auto);
            Assert.Equal((1.7f, interval), (auto.Scale, auto.Interval!.Value));

            Guider cfg = UnconditionalPipeline.GuiderFor(new GenerationOptions { ClassLabel = 0, GuidanceScale = 2f, GuidanceInterval = interval }, conditional);
            Assert.IsType<ClassifierFreeGuidance>(cfg);
            Assert.Equal((2f, interval), (cfg.Scale, cfg.Interval!.Value));

            // Classifier-free guidance needs a class and a "no class" embedding; a scale of 1 is no guidance.
            Assert.Same(NoGuidance.Instance, UnconditionalPipeline.GuiderFor(new GenerationOptions { GuidanceScale = 2f }, conditional));
            Assert.Same(NoGuidance.Instance, UnconditionalPipeline.GuiderFor(new GenerationOptions { ClassLabel = 0, GuidanceScale = 2f }, noNullClass));
            Assert.Same(NoGuidance.Instance, UnconditionalPipeline.GuiderFor(new GenerationOptions { ClassLabel = 0, GuidanceScale = 1f }, conditional));
        }

        /// <summary>Buffers for <see cref="Count"/> images of 1x2x2 with class 1 asked, "no class" = 9, scaled latents 0.1, 0.2, ….</summary>
        private static GuidedPrediction Prepare(Guider guider, LabelDenoiser model, LabelDenoiser? guide)
        {
            var latents = new TensorBuffer(Count, 1, 2, 2);
            var step = new GuidedPrediction(guider, model, guide, latents, null,
                (input, withUnconditional) => input.ClassLabels = Enumerable.Range(0, input.Sample.Batch).Select(i => i < Count ? 1 : 9).ToArray(), roll: null);
            for (int i = 0; i < step.Scaled.Length; i++)
            {
                step.Scaled.Span[i] = 0.1f * (i + 1);
            }

            return step;
        }

        /// <summary>Shows every call's input to a check and predicts zeros; two input channels, one output channel.</summary>
        private sealed class RecordingDenoiser : IDenoiser
        {
            private readonly Action<DenoiserInput> _see;

            public RecordingDenoiser(Action<DenoiserInput> see)
            {
                _see = see;
                Info = new DenoiserInfo { InChannels = 2, OutChannels = 1, SampleSize = 4, Name = "recording" };
            }

            public DenoiserInfo Info { get; }

            public void Predict(DenoiserInput input, TensorBuffer output) => _see(input);

            public void Dispose()
            {
            }
        }

        /// <summary>Predicts x + label + offset per row, and records every call's labels.</summary>
        private sealed class LabelDenoiser : IDenoiser
        {
            private readonly float _offset;

            public LabelDenoiser(float offset = 0f)
            {
                _offset = offset;
                Info = new DenoiserInfo { InChannels = 1, OutChannels = 1, SampleSize = 2, ClassCount = 9, UnconditionalClass = 9, Name = "label" };
            }

            public DenoiserInfo Info { get; }

            public List<int[]> Labels { get; } = new List<int[]>();

            public void Predict(DenoiserInput input, TensorBuffer output)
            {
                int[] labels = input.ClassLabels!.ToArray();
                Labels.Add(labels);
                for (int row = 0; row < input.Sample.Batch; row++)
                {
                    Span<float> item = input.Sample.Item(row);
                    Span<float> result = output.Item(row);
                    for (int i = 0; i < item.Length; i++)
                    {
                        result[i] = item[i] + labels[row] + _offset;
                    }
                }
            }

            public void Dispose()
            {
            }
        }
    }
}
