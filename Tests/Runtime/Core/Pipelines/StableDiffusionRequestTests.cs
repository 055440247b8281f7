using System;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class StableDiffusionRequestTests
    {
        [Fact]
        public void ARecipeGivesBackEverySettingItRecords()
        {
            GenerationRecipe recipe = GenerationRecipe.Parse("a lantern on “wet” stone\nNegative prompt: blurry\nSteps: 12, Sampler: Euler a, CFG scale: 5, Seed: 9, Size: 64x48, Denoising strength: 0.5, Tileable: yes");
            StableDiffusionRequest request = StableDiffusionRequest.FromRecipe(recipe);
            Assert.Equal(("a lantern on “wet” stone", "blurry", 12, 5f, 9UL), (request.Prompt, request.NegativePrompt, request.Steps, request.GuidanceScale, request.Seed));
            Assert.Equal((64, 48, 0.5f, true), (request.Width, request.Height, request.Strength, request.Tileable));
            Assert.True(StableDiffusionRequest.StartsFromImage(recipe));
            Assert.Null(request.InitImage);
        }

        [Fact]
        public void WhatARecipeLeavesOutTakesTheRequestsDefaults()
        {
            GenerationRecipe recipe = GenerationRecipe.Parse("moss\nSeed: 3");
            StableDiffusionRequest request = StableDiffusionRequest.FromRecipe(recipe);
            var defaults = new StableDiffusionRequest();
            Assert.Equal((defaults.Steps, defaults.GuidanceScale, defaults.Width, defaults.Height, defaults.Strength, false, string.Empty),
                (request.Steps, request.GuidanceScale, request.Width, request.Height, request.Strength, request.Tileable, request.NegativePrompt));
            Assert.Equal((StableDiffusionRequest.DefaultSteps, 7.5f, 512, 0.8f), (request.Steps, request.GuidanceScale, request.Width, request.Strength));
            Assert.False(StableDiffusionRequest.StartsFromImage(recipe));
        }

        [Fact]
        public void ARecipeWithoutASeedOrWithABadValueIsRefusedByName()
        {
            Assert.Contains("no Seed", Assert.Throws<FormatException>(() => StableDiffusionRequest.FromRecipe(GenerationRecipe.Parse("moss\nSteps: 3"))).Message);
            Assert.Contains("'Steps'", Assert.Throws<FormatException>(() => StableDiffusionRequest.FromRecipe(GenerationRecipe.Parse("moss\nSteps: many, Seed: 1"))).Message);
        }
    }
}
