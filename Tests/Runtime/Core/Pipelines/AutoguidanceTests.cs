using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    /// <summary>Autoguidance in <see cref="UnconditionalPipeline"/>: guide + w · (model − guide), both conditioned alike.</summary>
    public sealed class AutoguidanceTests
    {
        private static Scheduler Ddim() => SchedulerRegistry.DefaultConfig("ddim").CreateScheduler();

        [Theory]
        [InlineData(2f)]
        [InlineData(0.5f)]
        public void GuidedRunEqualsOneModelWithTheExtrapolatedPrediction(float scale)
        {
            // Linear denoisers ε = k·x combine exactly: guiding k = 0.8 by k = 0.3 with scale w is one model with
            // k = 0.3 + w·(0.8 − 0.3). The guide must see the same class labels as the model.
            var model = new LinearDenoiser(0.8f, classes: 2);
            var guide = new LinearDenoiser(0.3f, classes: 2);
            static GenerationOptions Options(float autoguidance) => new GenerationOptions { Count = 2, Seed = 11, Steps = 5, ClassLabel = 1, AutoguidanceScale = autoguidance };
            TensorBuffer guided = new UnconditionalPipeline(model, Ddim(), guide).Generate(Options(scale));
            TensorBuffer single = new UnconditionalPipeline(new LinearDenoiser(0.3f + (scale * 0.5f), classes: 2), Ddim()).Generate(Options(1f));

            float diff = guided.Array.Zip(single.Array, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(diff < 1e-4f, $"autoguided run differs from the extrapolated model by {diff}");
            Assert.Equal(5, guide.Calls);
            Assert.All(guide.Labels, labels => Assert.Equal(new[] { 1, 1 }, labels));
            Assert.All(model.Labels, labels => Assert.Equal(new[] { 1, 1 }, labels));

            // Not classifier-free guidance: the model never sees its "no class" embedding, and the result is not the model alone.
            TensorBuffer alone = new UnconditionalPipeline(model, Ddim()).Generate(Options(1f));
            Assert.True(guided.Array.Zip(alone.Array, (a, b) => Math.Abs(a - b)).Max() > 1e-3f);
        }

        [Fact]
        public void AutoguidanceNeedsAGuideAndExcludesClassifierFreeGuidance()
        {
            var model = new LinearDenoiser(0.8f, classes: 2);
            ArgumentException noGuide = Assert.Throws<ArgumentException>(() => new UnconditionalPipeline(model, Ddim()).Generate(new GenerationOptions { ClassLabel = 0, AutoguidanceScale = 1.3f }));
            Assert.Contains("needs a guide model", noGuide.Message);
            ArgumentException both = Assert.Throws<ArgumentException>(() => new UnconditionalPipeline(model, Ddim(), new LinearDenoiser(0.3f, classes: 2)).Generate(new GenerationOptions { ClassLabel = 0, AutoguidanceScale = 1.3f, GuidanceScale = 1.5f }));
            Assert.Contains("use one", both.Message);

            // With a guide but autoguidance off, classifier-free guidance runs as without one: the guide is never called.
            var guide = new LinearDenoiser(0.3f, classes: 2);
            TensorBuffer cfg = new UnconditionalPipeline(model, Ddim(), guide).Generate(new GenerationOptions { Count = 1, Seed = 3, Steps = 3, ClassLabel = 0, GuidanceScale = 2f });
            TensorBuffer plain = new UnconditionalPipeline(model, Ddim()).Generate(new GenerationOptions { Count = 1, Seed = 3, Steps = 3, ClassLabel = 0, GuidanceScale = 2f });
            Assert.Equal(plain.Array, cfg.Array);
            Assert.Equal(0, guide.Calls);
            Assert.Contains(model.Labels, labels => labels.Contains(2));
        }

        [Fact]
        public void AGuidanceIntervalGuidesOnlyTheStepsInsideIt()
        {
            // DDIM, 5 steps spread over 0..999: 0..400 holds some of them, not all.
            Scheduler ddim = Ddim();
            ddim.SetTimesteps(5);
            int inside = Enumerable.Range(0, ddim.Timesteps.Count).Count(i => ddim.Timesteps[i] <= 400f);
            Assert.InRange(inside, 1, 4);
            var model = new LinearDenoiser(0.8f, classes: 2);
            static GenerationOptions Options((float, float)? interval) => new GenerationOptions { Count = 1, Seed = 2, Steps = 5, ClassLabel = 0, AutoguidanceScale = 1.5f, GuidanceInterval = interval };
            var guide = new LinearDenoiser(0.3f, classes: 2);
            TensorBuffer partial = new UnconditionalPipeline(model, Ddim(), guide).Generate(Options((0f, 400f)));
            Assert.Equal(inside, guide.Calls);

            var everyStep = new LinearDenoiser(0.3f, classes: 2);
            TensorBuffer all = new UnconditionalPipeline(model, Ddim(), everyStep).Generate(Options((0f, 999f)));
            Assert.Equal(5, everyStep.Calls);
            Assert.Equal(all.Array, new UnconditionalPipeline(model, Ddim(), new LinearDenoiser(0.3f, classes: 2)).Generate(Options(null)).Array);

            var never = new LinearDenoiser(0.3f, classes: 2);
            TensorBuffer none = new UnconditionalPipeline(model, Ddim(), never).Generate(Options((900f, 950f)));
            Assert.Equal(0, never.Calls);
            Assert.Equal(new UnconditionalPipeline(model, Ddim()).Generate(new GenerationOptions { Count = 1, Seed = 2, Steps = 5, ClassLabel = 0 }).Array, none.Array);
            Assert.NotEqual(all.Array, partial.Array);
            Assert.NotEqual(none.Array, partial.Array);

            // Classifier-free guidance honours it too: outside the interval the conditional prediction is used alone.
            var cfgModel = new LinearDenoiser(0.8f, classes: 2);
            TensorBuffer cfgNone = new UnconditionalPipeline(cfgModel, Ddim()).Generate(new GenerationOptions { Count = 1, Seed = 2, Steps = 5, ClassLabel = 0, GuidanceScale = 3f, GuidanceInterval = (900f, 950f) });
            Assert.Equal(none.Array, cfgNone.Array);
            Assert.All(cfgModel.Labels, labels => Assert.Equal(new[] { 0 }, labels));   // the "no class" branch was not run
        }

        [Theory]
        [InlineData("0..400", 0f, 400f)]
        [InlineData("167.5..883", 167.5f, 883f)]
        [InlineData(" 10 .. 10 ", 10f, 10f)]
        public void IntervalsParseAndFormat(string text, float low, float high)
        {
            Assert.Equal((low, high), GuidanceIntervals.Parse(text));
            Assert.Equal((low, high), GuidanceIntervals.Parse(GuidanceIntervals.Format((low, high))));
        }

        [Theory]
        [InlineData("400..0")]
        [InlineData("0-400")]
        [InlineData("a..b")]
        [InlineData("0..400..600")]
        public void MalformedIntervalsSayHowToWriteThem(string text)
        {
            FormatException error = Assert.Throws<FormatException>(() => GuidanceIntervals.Parse(text));
            Assert.Contains("LOW..HIGH", error.Message);
        }

        [Fact]
        public void ScaleOneRunsTheModelAloneWithoutCallingTheGuide()
        {
            var model = new LinearDenoiser(0.8f, classes: 0);
            var guide = new LinearDenoiser(0.3f, classes: 0);
            TensorBuffer withGuide = new UnconditionalPipeline(model, Ddim(), guide).Generate(new GenerationOptions { Count = 1, Seed = 4, Steps = 3 });
            TensorBuffer alone = new UnconditionalPipeline(model, Ddim()).Generate(new GenerationOptions { Count = 1, Seed = 4, Steps = 3 });
            Assert.Equal(alone.Array, withGuide.Array);
            Assert.Equal(0, guide.Calls);
        }

        [Fact]
        public void AGuideThatDoesNotMatchTheModelIsRefusedWithTheReason()
        {
            var model = new LinearDenoiser(0.8f, classes: 2);
            ArgumentException classes = Assert.Throws<ArgumentException>(() => new UnconditionalPipeline(model, Ddim(), new LinearDenoiser(0.3f, classes: 0)));
            Assert.Contains("0 classes against the model's 2", classes.Message);
            ArgumentException prediction = Assert.Throws<ArgumentException>(() => new UnconditionalPipeline(model, Ddim(), new LinearDenoiser(0.3f, classes: 2, PredictionType.VPrediction)));
            Assert.Contains("prediction", prediction.Message);
            var coarse = new LinearDenoiser(0.3f, classes: 2, sizeMultiple: 16);
            ArgumentOutOfRangeException size = Assert.Throws<ArgumentOutOfRangeException>(() => new UnconditionalPipeline(model, Ddim(), coarse).Generate(new GenerationOptions { Width = 8, Height = 8, ClassLabel = 0, AutoguidanceScale = 2f }));
            Assert.Contains("multiple of 16 for the guide", size.Message);
        }

        /// <summary>ε = k·x; records the class labels of every call.</summary>
        private sealed class LinearDenoiser : IDenoiser
        {
            private readonly float _k;

            public LinearDenoiser(float k, int classes, PredictionType prediction = PredictionType.Epsilon, int sizeMultiple = 1)
            {
                _k = k;
                Info = new DenoiserInfo
                {
                    InChannels = 3,
                    OutChannels = 3,
                    SampleSize = 8,
                    SizeMultiple = sizeMultiple,
                    ClassCount = classes,
                    UnconditionalClass = classes > 0 ? classes : null,
                    PredictionType = prediction,
                    Name = $"linear {k}",
                };
            }

            public DenoiserInfo Info { get; }

            public int Calls { get; private set; }

            public List<int[]> Labels { get; } = new List<int[]>();

            public void Predict(DenoiserInput input, TensorBuffer output)
            {
                Calls++;
                if (input.ClassLabels != null)
                {
                    Labels.Add(input.ClassLabels.ToArray());
                }

                System.Numerics.Tensors.TensorPrimitives.Multiply(input.Sample.Span, _k, output.Span);
            }

            public void Dispose()
            {
            }
        }
    }
}
