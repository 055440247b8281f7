using System;
using System.Linq;
using LiveDiffusion.Models;
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

            TextureRequest request = TextureGenerator.RequestFromRecipe(GenerationRecipe.Parse(batch.Recipes[1]));
            Assert.Equal(4UL, request.Seed);
            GeneratedTextures single = generator.Generate(request);
            Assert.Equal(batch.Images[1].Pixels, single.Images[0].Pixels);
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
            GeneratedTextures single = generator.Generate(TextureGenerator.RequestFromRecipe(GenerationRecipe.Parse(batch.Recipes[1])));
            Assert.Equal(batch.Images[1].Pixels, single.Images[0].Pixels);

            // The guide changes what is generated.
            GeneratedTextures unguided = generator.Generate(new TextureRequest { Count = 1, Seed = 8, ClassName = "wall", Steps = 6 });
            Assert.NotEqual(batch.Images[0].Pixels, unguided.Images[0].Pixels);
        }

        [Fact]
        public void UnknownClassNamesTheKnownOnes()
        {
            using TextureGenerator generator = TorchTextureGenerator.Load();
            var error = Assert.Throws<ModelConfigException>(() => generator.Generate(new TextureRequest { ClassName = "lava" }));
            Assert.Contains("floor, wall", error.Message);
        }
    }
}
