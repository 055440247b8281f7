using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx.Tests.Fixtures;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests.Pipelines
{
    /// <summary>Every Stable Diffusion pipeline end to end on tiny ONNX models with the real I/O signatures.</summary>
    public sealed class StableDiffusionPipelineTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-sd-" + Guid.NewGuid().ToString("N"));
        private readonly List<IDisposable> _parts = new List<IDisposable>();

        [SharedDataFact]
        public void TextToImageGivesImagesOfTheRequestedSizeAndIsDeterministicPerSeed()
        {
            foreach (bool optimum in new[] { false, true })
            {
                StableDiffusionPipeline pipeline = Open(TinyUNetKind.TextToImage, optimum);
                var request = new StableDiffusionRequest { Prompt = "a mossy dungeon floor", NegativePrompt = "blurry", Steps = 4, Count = 2, Width = 64, Height = 48, Seed = 9 };
                StableDiffusionResult a = pipeline.Generate(request);
                StableDiffusionResult b = pipeline.Generate(request);
                StableDiffusionResult other = pipeline.Generate(new StableDiffusionRequest { Prompt = request.Prompt, NegativePrompt = "blurry", Steps = 4, Count = 2, Width = 64, Height = 48, Seed = 10 });
                Assert.Equal(2, a.Images.Count);
                Assert.All(a.Images, image => Assert.Equal((64, 48), (image.Width, image.Height)));
                Assert.Equal(new[] { 2, 4, 6, 8 }, new[] { a.Latents.Batch, a.Latents.Channels, a.Latents.Height, a.Latents.Width });
                Assert.Equal(a.Latents.Array, b.Latents.Array);
                Assert.NotEqual(a.Latents.Array, other.Latents.Array);
                // Image i uses seed + i: the second image of seed 9 is the first of seed 10.
                Assert.Equal(a.Latents.Item(1).ToArray(), other.Latents.Item(0).ToArray());
                Assert.Contains("Seed: 10", a.Recipes[1], StringComparison.Ordinal);
                Assert.StartsWith("a mossy dungeon floor\nNegative prompt: blurry\n", a.Recipes[0], StringComparison.Ordinal);
            }
        }

        [SharedDataFact]
        public void GuidanceOneEqualsTheConditionalBranchAlone()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.TextToImage);
            // Guidance 1 runs only the conditional branch. With the negative prompt equal to the prompt both branches
            // agree, so uncond + s·(cond − uncond) must reproduce it for any s.
            var alone = pipeline.Generate(new StableDiffusionRequest { Prompt = "stone wall", GuidanceScale = 1f, Steps = 5, Width = 32, Height = 32, Seed = 3 });
            var same = pipeline.Generate(new StableDiffusionRequest { Prompt = "stone wall", NegativePrompt = "stone wall", GuidanceScale = 7.5f, Steps = 5, Width = 32, Height = 32, Seed = 3 });
            var guided = pipeline.Generate(new StableDiffusionRequest { Prompt = "stone wall", NegativePrompt = "lava", GuidanceScale = 7.5f, Steps = 5, Width = 32, Height = 32, Seed = 3 });
            float sameError = alone.Latents.Array.Zip(same.Latents.Array, (x, y) => MathF.Abs(x - y)).Max();
            float guidedChange = alone.Latents.Array.Zip(guided.Latents.Array, (x, y) => MathF.Abs(x - y)).Max();
            Assert.True(sameError <= 1e-5f, $"guidance with identical branches drifts from the conditional branch by {sameError}");
            Assert.True(guidedChange > 1e-2f, $"a different negative prompt changed the result by only {guidedChange}");
        }

        [SharedDataFact]
        public void ImageToImageAtStrengthZeroReturnsTheInputLatents()
        {
            string folder = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            StableDiffusionPipeline pipeline = Open(folder);
            RgbImage init = Gradient(64, 64);
            StableDiffusionResult result = pipeline.Generate(new StableDiffusionRequest { Prompt = "x", InitImage = init, Strength = 0f, Steps = 10, Seed = 1 });

            using var encoder = new OnnxVaeEncoder(OnnxModel.Load(Path.Combine(folder, "vae_encoder", "model.onnx")));
            var pixels = new TensorBuffer(1, 3, 64, 64);
            ImageConversion.FromImage(init, pixels, 0);
            var expected = new TensorBuffer(1, 4, 8, 8);
            encoder.Encode(pixels, expected);
            float[] scaled = expected.Array.Select(v => v * pipeline.VaeScalingFactor).ToArray();
            Assert.Equal(scaled, result.Latents.Array);

            // Some strength changes them; the recipe records it.
            StableDiffusionResult half = pipeline.Generate(new StableDiffusionRequest { Prompt = "x", InitImage = init, Strength = 0.5f, Steps = 10, Seed = 1 });
            Assert.NotEqual(scaled, half.Latents.Array);
            Assert.Contains("Denoising strength: 0.5", half.Recipes[0], StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void InpaintingKeepsUnmaskedPixels()
        {
            foreach (TinyUNetKind kind in new[] { TinyUNetKind.Inpainting, TinyUNetKind.TextToImage })
            {
                StableDiffusionPipeline pipeline = Open(kind);
                RgbImage init = Gradient(64, 64);
                RgbImage mask = Mask(64, 64, x0: 16, y0: 16, x1: 48, y1: 40);
                StableDiffusionResult result = pipeline.Generate(new StableDiffusionRequest { Prompt = "a chest", InitImage = init, Mask = mask, Strength = 1f, Steps = 5, Seed = 4 });
                RgbImage image = result.Images[0];
                int changedInside = 0;
                for (int p = 0; p < 64 * 64; p++)
                {
                    bool repaint = mask.Pixels[p * 3] >= 128;
                    for (int c = 0; c < 3; c++)
                    {
                        if (!repaint)
                        {
                            Assert.Equal(init.Pixels[(p * 3) + c], image.Pixels[(p * 3) + c]);
                        }
                        else if (init.Pixels[(p * 3) + c] != image.Pixels[(p * 3) + c])
                        {
                            changedInside++;
                        }
                    }
                }

                Assert.True(changedInside > 100, $"{kind}: only {changedInside} masked values changed");
            }
        }

        [SharedDataFact]
        public void DepthToImageUsesTheDepthMap()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.Depth);
            var near = new DepthMap(16, 16, Enumerable.Range(0, 256).Select(i => (float)(i % 16)).ToArray());
            var far = new DepthMap(16, 16, Enumerable.Range(0, 256).Select(i => (float)(i / 16)).ToArray());
            StableDiffusionResult a = pipeline.Generate(new StableDiffusionRequest { Prompt = "cave", Depth = near, Width = 64, Height = 64, Steps = 4, Seed = 2 });
            StableDiffusionResult b = pipeline.Generate(new StableDiffusionRequest { Prompt = "cave", Depth = far, Width = 64, Height = 64, Steps = 4, Seed = 2 });
            Assert.Equal((64, 64), (a.Images[0].Width, a.Images[0].Height));
            Assert.NotEqual(a.Latents.Array, b.Latents.Array);
            var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(new StableDiffusionRequest { Prompt = "cave", Width = 64, Height = 64 }));
            Assert.Contains("Depth", error.Message, StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void CancellationStopsWithinOneStep()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.TextToImage);
            using var cancellation = new CancellationTokenSource();
            int steps = 0;
            Assert.Throws<OperationCanceledException>(() => pipeline.Generate(
                new StableDiffusionRequest { Prompt = "x", Steps = 20, Width = 32, Height = 32 },
                step =>
                {
                    steps++;
                    Assert.Equal(4, step.PredictedOriginal.Channels);
                    if (step.Index == 2)
                    {
                        cancellation.Cancel();
                    }
                },
                cancellation.Token));
            Assert.Equal(3, steps);
        }

        [SharedDataFact]
        public void TileableRunsShiftTheUNetInputAndStayDeterministic()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.TextToImage);
            var request = new StableDiffusionRequest { Prompt = "brick", Steps = 4, Width = 64, Height = 64, Seed = 5, Tileable = true };
            StableDiffusionResult a = pipeline.Generate(request);
            StableDiffusionResult b = pipeline.Generate(request);
            StableDiffusionResult plain = pipeline.Generate(new StableDiffusionRequest { Prompt = "brick", Steps = 4, Width = 64, Height = 64, Seed = 5 });
            Assert.Equal(a.Latents.Array, b.Latents.Array);
            Assert.NotEqual(plain.Latents.Array, a.Latents.Array);
            Assert.Contains("Tileable: yes", a.Recipes[0], StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void AFolderWithAMissingPartNamesIt()
        {
            string folder = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            File.Delete(Path.Combine(folder, "vae_decoder", "model.onnx"));
            var error = Assert.Throws<ModelConfigException>(() => StableDiffusionOnnxFolder.Open(folder));
            Assert.Contains("vae_decoder/model.onnx", error.Message, StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void ATextEncoderThatDoesNotFitTheUNetIsNamedWithBothWidths()
        {
            string folder = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            TinyStableDiffusion.WriteTextEncoder(folder, 24);
            var error = Assert.Throws<ModelConfigException>(() => StableDiffusionOnnxFolder.Open(folder).CreatePipeline());
            Assert.Contains(Path.Combine("text_encoder", "model.onnx"), error.Message, StringComparison.Ordinal);
            Assert.Contains("24-wide", error.Message, StringComparison.Ordinal);
            Assert.Contains($"{TinyStableDiffusion.TextWidth}-wide", error.Message, StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void AnInpaintingUNetAsksForAMask()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.Inpainting);
            Assert.True(pipeline.IsInpaintingUNet);
            var error = Assert.Throws<ArgumentException>(() => pipeline.Generate(new StableDiffusionRequest { Prompt = "x", Width = 32, Height = 32 }));
            Assert.Contains("Mask", error.Message, StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void ALongPromptIsCutWithAWarningThatSaysWhat()
        {
            StableDiffusionPipeline pipeline = Open(TinyUNetKind.TextToImage);
            string prompt = string.Join(" ", Enumerable.Repeat("ancient cracked flagstones", 40)) + " finale";
            StableDiffusionResult result = pipeline.Generate(new StableDiffusionRequest { Prompt = prompt, Steps = 1, Width = 32, Height = 32, GuidanceScale = 1f });
            string warning = Assert.Single(result.Warnings);
            Assert.Contains("finale", warning, StringComparison.Ordinal);
        }

        private StableDiffusionPipeline Open(TinyUNetKind kind, bool optimum = false) => Open(TinyStableDiffusion.Create(_root, kind, optimum));

        private StableDiffusionPipeline Open(string folder)
        {
            StableDiffusionPipeline pipeline = StableDiffusionOnnxFolder.Open(folder).CreatePipeline("ddim", null, out IReadOnlyList<IDisposable> parts);
            _parts.AddRange(parts);
            return pipeline;
        }

        private static RgbImage Gradient(int width, int height)
        {
            var image = new RgbImage(width, height, 3);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int p = ((y * width) + x) * 3;
                    image.Pixels[p] = (byte)(x * 255 / width);
                    image.Pixels[p + 1] = (byte)(y * 255 / height);
                    image.Pixels[p + 2] = (byte)((x ^ y) & 0xFF);
                }
            }

            return image;
        }

        private static RgbImage Mask(int width, int height, int x0, int y0, int x1, int y1)
        {
            var mask = new RgbImage(width, height, 3);
            for (int y = y0; y < y1; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    int p = ((y * width) + x) * 3;
                    mask.Pixels[p] = mask.Pixels[p + 1] = mask.Pixels[p + 2] = 255;
                }
            }

            return mask;
        }

        public void Dispose()
        {
            foreach (IDisposable part in _parts)
            {
                part.Dispose();
            }

            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }
}
