using System;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    /// <summary>The batch settings of a texture recipe: read back into the batch's request, and refused when they cannot be true.</summary>
    public sealed class TextureRecipeBatchTests
    {
        private static GenerationRecipe Recipe(string settings) =>
            GenerationRecipe.Parse("wall\nSteps: 4, Sampler: DPM++ 2M Karras, CFG scale: 1, Seed: 27, Size: 32x32, Model: m, Class: wall, Tileable: yes" + settings);

        [Fact]
        public void ATextureOfABatchGivesTheBatchsRequestAndItsPlaceInIt()
        {
            GenerationRecipe recipe = Recipe(", Batch size: 8, Batch pos: 7");
            Assert.Equal(7, TextureGenerator.BatchPosition(recipe));
            TextureRequest request = TextureGenerator.RequestFromRecipe(recipe);
            Assert.Equal((8, 20UL, "wall", 4), (request.Count, request.Seed, request.ClassName, request.Steps));
        }

        [Fact]
        public void ARecipeWithoutBatchSettingsIsATextureGeneratedAlone()
        {
            GenerationRecipe recipe = Recipe(string.Empty);
            Assert.Equal(0, TextureGenerator.BatchPosition(recipe));
            Assert.Equal((1, 27UL), (TextureGenerator.RequestFromRecipe(recipe).Count, TextureGenerator.RequestFromRecipe(recipe).Seed));
        }

        [Theory]
        [InlineData(", Batch pos: 1", "Batch pos without Batch size")]
        [InlineData(", Batch size: 2", "Batch size without Batch pos")]
        [InlineData(", Batch size: 2, Batch pos: 2", "a position below it")]
        [InlineData(", Batch size: 0, Batch pos: 0", "a size of 1 to 4096")]
        [InlineData(", Batch size: 100000, Batch pos: 0", "a size of 1 to 4096")]
        [InlineData(", Batch size: 4, Batch pos: -1", "a position below it")]
        public void ImpossibleBatchSettingsAreRefusedByName(string settings, string expected)
        {
            var error = Assert.Throws<FormatException>(() => TextureGenerator.RequestFromRecipe(Recipe(settings)));
            Assert.Contains(expected, error.Message);
        }

        [Fact]
        public void ABatchThatWouldStartBeforeSeedZeroIsRefused()
        {
            var error = Assert.Throws<FormatException>(() => TextureGenerator.RequestFromRecipe(GenerationRecipe.Parse("wall\nSeed: 1, Batch size: 4, Batch pos: 3")));
            Assert.Contains("before seed 0", error.Message);
        }
    }
}
