using System;
using System.Linq;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>
    /// <see cref="TextureGenerator.Problems"/>: every rule a texture request must meet, checked against the built-in model
    /// (classes floor and wall, sizes in multiples of 4, a guide UNet, a 'no class' embedding) before any work.
    /// </summary>
    public sealed class TextureGeneratorProblemsTests : IDisposable
    {
        private readonly TextureGenerator _generator = OnnxTextureGenerator.Load(BuiltInModels.InPackage(SharedData.RepositoryRoot));

        [Fact]
        public void TheRecommendedRequestForEachClassHasNoProblems()
        {
            foreach (string? name in _generator.ClassNames.Cast<string?>().Append(null))
            {
                Assert.Empty(_generator.Problems(_generator.RecommendedRequest(3, 5, name)));
            }

            Assert.Empty(_generator.Problems(new TextureRequest { ClassName = "WALL", Size = 64, Steps = TextureRequest.MaxSteps, Scheduler = "DDIMScheduler" }));
        }

        [Theory]
        [InlineData(nameof(TextureRequest.Count), "0 textures: generate at least 1.")]
        [InlineData(nameof(TextureRequest.Steps), "1001 is outside 1 to 1000; this model recommends 40.")]
        [InlineData(nameof(TextureRequest.Size), "30 px: use 0 (the model's 32 px) or a multiple of 4 up to 4096.")]
        [InlineData(nameof(TextureRequest.ClassName), "This model has no class 'lava'. Its classes: floor, wall.")]
        [InlineData(nameof(TextureRequest.Scheduler), "Unknown scheduler 'fast'.")]
        [InlineData(nameof(TextureRequest.AutoguidanceScale), "1.7 together with classifier-free guidance 2: use one of them (the other at 1).")]
        public void EachBrokenRuleIsOneProblemNamingItsSetting(string setting, string message)
        {
            var request = setting switch
            {
                nameof(TextureRequest.Count) => new TextureRequest { Count = 0 },
                nameof(TextureRequest.Steps) => new TextureRequest { Steps = 1001 },
                nameof(TextureRequest.Size) => new TextureRequest { Size = 30 },
                nameof(TextureRequest.ClassName) => new TextureRequest { ClassName = "lava" },
                nameof(TextureRequest.Scheduler) => new TextureRequest { Scheduler = "fast" },
                _ => new TextureRequest { ClassName = "floor", GuidanceScale = 2f, AutoguidanceScale = 1.7f },
            };
            RequestProblem problem = Assert.Single(_generator.Problems(request));
            Assert.Equal(setting, problem.Setting);
            Assert.StartsWith(message, problem.Message, StringComparison.Ordinal);
            ArgumentException refused = Assert.Throws<ArgumentException>(() => _generator.Generate(request));
            Assert.Contains(setting + ": " + problem.Message, refused.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void AutoguidanceWithoutAGuideIsAProblem()
        {
            // The model's own UNet without its guide (not disposed: _generator owns the denoiser).
            var noGuide = new TextureGenerator(_generator.Model, _generator.Denoiser);
            RequestProblem problem = Assert.Single(noGuide.Problems(new TextureRequest { AutoguidanceScale = 1.5f }));
            Assert.Equal(nameof(TextureRequest.AutoguidanceScale), problem.Setting);
            Assert.Contains("needs a guide UNet (guide_unet/)", problem.Message, StringComparison.Ordinal);
        }

        public void Dispose() => _generator.Dispose();
    }
}
