using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Training
{
    /// <summary>The one training recipe the command line and the panel bind to: defaults, names, validation, mapping.</summary>
    public sealed class TrainingRecipeTests
    {
        [Fact]
        public void TheDefaultsAreTheTrainersAndTheDatasetReadersAndValid()
        {
            var recipe = new TrainingRecipe();
            var trainer = new TrainingOptions();
            Assert.Empty(recipe.Check());
            Assert.Equal(
                (trainer.Steps, trainer.BatchSize, trainer.LearningRate, trainer.Seed, trainer.MinSnrGamma, trainer.CheckpointEvery, trainer.KeepCheckpoints, trainer.SampleEvery, trainer.SampleCount, trainer.SampleSteps),
                (recipe.Steps, recipe.BatchSize, recipe.LearningRate, recipe.Seed, recipe.MinSnrGamma, recipe.CheckpointEvery, recipe.KeepCheckpoints, recipe.SampleEvery, recipe.SampleCount, recipe.SampleSteps));
            Assert.Equal(new DatasetOptions().Size, recipe.Size);
            TrainingOptions mapped = recipe.ToTrainingOptions(threads: 0, logEvery: trainer.LogEvery);
            Assert.Equal((trainer.PredictionType, trainer.MinSnrFloor, trainer.LogEvery, trainer.WarmupSteps), (mapped.PredictionType, mapped.MinSnrFloor, mapped.LogEvery, mapped.WarmupSteps));

            // A short run with the default warm-up is valid (it ends before the peak); a warm-up asked for must fit in the run.
            Assert.Equal(trainer.WarmupSteps, new TrainingRecipe { Steps = 12 }.ToTrainingOptions(0, 1).WarmupSteps);
            Assert.Empty(new TrainingRecipe { Steps = 12 }.Check());
            Assert.Equal("warmupSteps", Assert.Single(new TrainingRecipe { Steps = 12, WarmupSteps = 13 }.Check()).Field);
        }

        [Fact]
        public void EveryWrongFieldIsNamedWithItsFix()
        {
            var recipe = new TrainingRecipe
            {
                Preset = "huge", Size = 30, Padding = "wrap", Alpha = "x", Steps = 10, WarmupSteps = 11, BatchSize = 0, LearningRate = double.NaN,
                Prediction = "x0", MinSnrGamma = -1, MinSnrFloor = double.PositiveInfinity, CheckpointEvery = 0, KeepCheckpoints = 0, SampleEvery = -1,
                SampleCount = 65, SampleSteps = 0, Rotate90Classes = "floor",
            };
            string[] fields = recipe.Check().Select(e => e.Field).ToArray();
            Assert.Equal(
                new[] { "preset", "size", "padding", "alpha", "batchSize", "learningRate", "warmupSteps", "rotate90Classes", "prediction", "minSnrGamma", "minSnrFloor", "checkpointEvery", "keepCheckpoints", "sampleEvery", "sampleCount", "sampleSteps" },
                fields);
            Assert.Contains(recipe.Check(), e => e.Field == "warmupSteps" && e.Message == "Warm-up 11 steps: use 0 up to the number of steps (10).");
        }

        [Fact]
        public void NamesMapToTheTrainersAndTheReadersOptions()
        {
            var recipe = new TrainingRecipe { Padding = "zeros", Prediction = "v_prediction", Alpha = "keep", RandomCrop = true, ClassConditional = true, Rotate90Classes = "floor, wall" };
            Assert.Empty(recipe.Check());
            Assert.Equal(PaddingMode.Zeros, recipe.PaddingMode);
            Assert.Equal(PredictionType.VPrediction, new TrainingRecipe { Prediction = "v" }.PredictionType);
            Assert.Equal(PredictionType.VPrediction, recipe.ToTrainingOptions(2, 1).PredictionType);
            DatasetOptions data = recipe.ToDatasetOptions();
            Assert.Equal((AlphaMode.Keep, true, true, true, true), (data.Alpha, data.RandomCrop, data.Rotate90, data.FlipVertical, data.FlipHorizontal));
            Assert.Equal(new[] { "floor", "wall" }, data.OrientationClasses);
            Assert.False(new TrainingRecipe().ToDatasetOptions().Rotate90);
        }
    }
}
