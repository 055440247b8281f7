using System;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class GenerationRecipeTests
    {
        [Fact]
        public void ParsesTheParametersFormWithNegativePromptAndQuotedValues()
        {
            const string text = "a castle wall, mossy\nhighly detailed\nNegative prompt: blurry, low quality\nSteps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1234, Size: 512x768, Model: \"sd15, pruned\", Lora hashes: \"a: 1, b: 2\"";
            GenerationRecipe recipe = GenerationRecipe.Parse(text);
            Assert.Equal("a castle wall, mossy\nhighly detailed", recipe.Prompt);
            Assert.Equal("blurry, low quality", recipe.NegativePrompt);
            Assert.Equal(20, recipe.GetInteger("steps"));
            Assert.Equal("DPM++ 2M Karras", recipe["Sampler"]);
            Assert.Equal(7.5, recipe.GetNumber("CFG scale"));
            Assert.Equal(1234, recipe.GetInteger("Seed"));
            Assert.Equal((512, 768), recipe.GetSize());
            Assert.Equal("sd15, pruned", recipe["Model"]);
            Assert.Equal("a: 1, b: 2", recipe["Lora hashes"]);

            GenerationRecipe again = GenerationRecipe.Parse(recipe.Format());
            Assert.Equal(recipe.Format(), again.Format());
            Assert.Equal(recipe.Settings.Count, again.Settings.Count);
        }

        [Fact]
        public void TextWithoutSettingsIsNotARecipe()
        {
            Assert.Throws<FormatException>(() => GenerationRecipe.Parse("just a prompt"));
            Assert.Throws<FormatException>(() => GenerationRecipe.Parse("p\nSeed: twelve").GetInteger("Seed"));
        }
    }
}
