using System;
using System.Linq;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;
using Xunit;

namespace LiveDiffusion.Torch.Tests.Pipelines
{
    /// <summary>The built-in texture model as it ships: found beside the program, loads, generates, reproduces from its recipe.</summary>
    public sealed class BuiltInModelTests
    {
        [Fact]
        public void GeneratesTileableClassConditionalTexturesThatTheirRecipeReproduces()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            Assert.Equal(new[] { "floor", "wall" }, generator.ClassNames);
            Assert.True(generator.Denoiser.Info.Tileable);

            GeneratedTextures batch = generator.Generate(new TextureRequest { Count = 2, Seed = 3, ClassName = "floor", Steps = 6, GuidanceScale = 1.5f });
            Assert.Equal(2, batch.Images.Count);
            Assert.All(batch.Images, i => Assert.Equal((32, 32, 3), (i.Width, i.Height, i.Channels)));
            // Not a flat colour: a texture has structure.
            Assert.True(batch.Images[0].Pixels.Distinct().Count() > 40);

            GeneratedTextures again = generator.Reproduce(GenerationRecipe.Parse(batch.Recipes[1]));
            Assert.Equal(batch.Images[1].Pixels, again.Images[0].Pixels);
            Assert.Equal(batch.Recipes[1], again.Recipes[0]);
        }

        [Fact]
        public void EveryTextureOfABatchIsReproducedBitForBitFromItsRecipeAlone()
        {
            // Exact, with no tolerance: the recipe places each texture in its batch, and reproducing reruns that batch.
            using TextureGenerator generator = TorchTextureGenerator.Load();
            foreach (int count in new[] { 2, 5 })
            {
                GeneratedTextures batch = generator.Generate(new TextureRequest { Count = count, Seed = 20, ClassName = "wall", Steps = 4 });
                for (int i = 0; i < count; i++)
                {
                    GenerationRecipe recipe = GenerationRecipe.Parse(batch.Recipes[i]);
                    Assert.Equal((count, i), ((int)recipe.GetInteger(TextureGenerator.BatchSizeSetting)!.Value, TextureGenerator.BatchPosition(recipe)));
                    TextureRequest request = TextureGenerator.RequestFromRecipe(recipe);
                    Assert.Equal((count, 20UL), (request.Count, request.Seed));
                    GeneratedTextures again = generator.Reproduce(recipe);
                    Assert.Equal(batch.Images[i].Pixels, again.Images[0].Pixels);
                    Assert.Equal(batch.Raw.Item(i).ToArray(), again.Raw.Item(0).ToArray());
                }
            }

            // A texture generated alone says nothing of a batch, and is generated alone again.
            GeneratedTextures alone = generator.Generate(new TextureRequest { Count = 1, Seed = 21, ClassName = "wall", Steps = 4 });
            Assert.DoesNotContain(TextureGenerator.BatchSizeSetting, alone.Recipes[0]);
            Assert.Equal(alone.Images[0].Pixels, generator.Reproduce(GenerationRecipe.Parse(alone.Recipes[0])).Images[0].Pixels);
        }

        [Fact]
        public void ShipsWithItsGuideAndAutoguidedTexturesReproduceFromTheirRecipe()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            Assert.NotNull(generator.Guide);
            Assert.Equal(generator.Denoiser.Info.ClassCount, generator.Guide!.Info.ClassCount);
            Assert.True(generator.Guide.Info.Tileable);
            Assert.InRange(generator.RecommendedAutoguidanceScale, 1.01f, 3f);

            var guided = new TextureRequest { Count = 2, Seed = 8, ClassName = "wall", Steps = 6, AutoguidanceScale = generator.RecommendedAutoguidanceScale };
            GeneratedTextures batch = generator.Generate(guided);
            Assert.Contains("Autoguidance: " + generator.RecommendedAutoguidanceScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture), batch.Recipes[0]);
            GeneratedTextures single = generator.Reproduce(GenerationRecipe.Parse(batch.Recipes[1]));
            Assert.Equal(batch.Images[1].Pixels, single.Images[0].Pixels);

            // The guide changes what is generated.
            GeneratedTextures unguided = generator.Generate(new TextureRequest { Count = 1, Seed = 8, ClassName = "wall", Steps = 6 });
            Assert.NotEqual(batch.Images[0].Pixels, unguided.Images[0].Pixels);
        }

        [Fact]
        public void UnknownClassNamesTheKnownOnes()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            var error = Assert.Throws<ArgumentException>(() => generator.Generate(new TextureRequest { ClassName = "lava" }));
            Assert.Contains("floor, wall", error.Message);
        }
    }
}
