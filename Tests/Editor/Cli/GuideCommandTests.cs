using System;
using System.IO;
using System.Linq;
using System.Text;
using LiveDiffusion.Editor.Tests.Training;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>
    /// Autoguidance end to end through the real command line: <c>livediffusion guide</c> attaches a smaller UNet to a
    /// model folder, <c>generate</c> then guides with it by default (Torch and ONNX alike) and records it in the recipe.
    /// </summary>
    public sealed class GuideCommandTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-guide-" + Guid.NewGuid().ToString("N"));

        private string Model(string name, int width, string[]? classes, int seed) => TinyModelFolder.Write(Path.Combine(_root, name), width, classes, seed);

        [Fact]
        public void AnAttachedGuideIsUsedByDefaultRecordedInTheRecipeAndReproduced()
        {
            string[] classes = { "floor", "wall" };
            string model = Model("model", 16, classes, seed: 1);
            string guide = Model("guide", 8, classes, seed: 2);

            (int code, string output) = Livediffusion.Run("guide", "--model", model, "--guide", guide, "--scale", "1.4", "--interval", "0..800");
            Assert.True(code == 0, output);
            ModelFolder folder = ModelFolder.Open(model);
            Assert.NotNull(folder.GuideUNet);
            Assert.Equal(new[] { 8, 16 }, folder.GuideUNet!.BlockOutChannels);
            Assert.Equal(1.4f, folder.AutoguidanceScale);
            Assert.Equal((0f, 800f), folder.AutoguidanceInterval);
            Assert.True(File.ReadAllBytes(Path.Combine(guide, "unet", ModelFolder.WeightsFileName)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder.GuideUNetFolder, ModelFolder.WeightsFileName))));

            // generate guides with it unless told otherwise, and says so; the recipe carries the scale.
            string guided = Path.Combine(_root, "guided");
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "2", "--steps", "3", "--class", "wall", "--out", guided, "--seed", "5");
            Assert.True(code == 0, output);
            Assert.Contains("autoguidance 1.4 by guide_unet/", output);
            Assert.Contains("at timesteps 0..800, the model's setting", output);
            string first = Path.Combine(guided, "wall-5.png");
            string recipe = PngTextChunks.Read(File.ReadAllBytes(first))["parameters"];
            Assert.Contains("CFG scale: 1, Autoguidance: 1.4, Guidance interval: 0..800", recipe);
            byte[] guidedPixels = PngFile.Read(first).Pixels;

            // Guiding every step instead is a different image.
            (output, byte[] everyStep) = Wall5(model, "every-step", "--guidance-interval", "all");
            Assert.DoesNotContain("at timesteps", output);
            Assert.NotEqual(guidedPixels, everyStep);

            // Autoguidance changes the image (the guide is really called) ...
            (output, byte[] plain) = Wall5(model, "plain", "--autoguidance", "1");
            Assert.DoesNotContain("autoguidance", output);
            Assert.NotEqual(guidedPixels, plain);

            // ... and its recipe reproduces it exactly.
            string again = Path.Combine(_root, "again");
            (code, output) = Livediffusion.Run("generate", "--model", model, "--recipe-from", first, "--out", again);
            Assert.True(code == 0, output);
            Assert.Equal(guidedPixels, PngFile.Read(Directory.GetFiles(again, "*.png").Single()).Pixels);

            // ONNX Runtime runs the guide too (exported in memory) and agrees with TorchSharp to within rounding.
            (output, byte[] onnxPixels) = Wall5(model, "onnx", "--backend", "onnx");
            Assert.Contains("exported the guide UNet in memory", output);
            int worst = guidedPixels.Zip(onnxPixels, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 2, $"ONNX and Torch autoguided textures differ by up to {worst} levels");

            // Classifier-free guidance instead, on request; both at once is refused.
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--steps", "2", "--out", Path.Combine(_root, "cfg"), "--guidance", "1.5");
            Assert.True(code == 0, output);
            Assert.DoesNotContain("autoguidance", output);
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--steps", "2", "--out", Path.Combine(_root, "both"), "--guidance", "1.5", "--autoguidance", "1.3");
            Assert.Equal(2, code);
            Assert.Contains("not combined", output);
        }

        /// <summary>Generates wall texture seed 5 (3 steps) from <paramref name="model"/> into a folder of its own; returns what was printed and its pixels.</summary>
        private (string Output, byte[] Pixels) Wall5(string model, string folder, params string[] options)
        {
            string outDir = Path.Combine(_root, folder);
            (int code, string output) = Livediffusion.Run(new[] { "generate", "--model", model, "--count", "1", "--steps", "3", "--class", "wall", "--out", outDir, "--seed", "5" }.Concat(options).ToArray());
            Assert.True(code == 0, output);
            return (output, PngFile.Read(Path.Combine(outDir, "wall-5.png")).Pixels);
        }

        [Fact]
        public void TheStepsTheGuidanceWasTunedAtBecomeTheDefaultOfGenerateAndABadValueIsNamed()
        {
            string[] classes = { "floor", "wall" };
            string model = Model("model", 16, classes, seed: 1);
            string guide = Model("guide", 8, classes, seed: 2);
            Assert.Null(ModelFolder.Open(model).SamplingSteps);

            (int code, string output) = Livediffusion.Run("guide", "--model", model, "--guide", guide, "--scale", "1.4", "--interval", "0..800", "--steps", "4");
            Assert.True(code == 0, output);
            Assert.Contains("with 4 steps", output);
            Assert.Equal(4, ModelFolder.Open(model).SamplingSteps);

            // generate takes the folder's steps unless told otherwise; the recipe records what ran.
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--class", "wall", "--out", Path.Combine(_root, "folder-steps"), "--seed", "5");
            Assert.True(code == 0, output);
            Assert.Contains("Steps: 4, Sampler: ", PngTextChunks.Read(File.ReadAllBytes(Path.Combine(_root, "folder-steps", "wall-5.png")))["parameters"]);
            (output, _) = Wall5(model, "given-steps");
            Assert.Contains("Steps: 3, Sampler: ", PngTextChunks.Read(File.ReadAllBytes(Path.Combine(_root, "given-steps", "wall-5.png")))["parameters"]);

            // Attaching again without --steps keeps the folder's.
            Assert.Equal(0, Livediffusion.Run("guide", "--model", model, "--guide", guide, "--scale", "1.5").Code);
            Assert.Equal(4, ModelFolder.Open(model).SamplingSteps);

            string index = Path.Combine(model, "model_index.json");
            File.WriteAllText(index, File.ReadAllText(index).Replace("\"_sampling_steps\": 4", "\"_sampling_steps\": 0", StringComparison.Ordinal));
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--out", Path.Combine(_root, "bad"));
            Assert.Equal(2, code);
            Assert.Contains("_sampling_steps must be a whole number of denoising steps, 1 or more; it is 0", output);
        }

        [Fact]
        public void GuidesThatCannotGuideAndBrokenGuideFoldersAreRefusedWithTheReason()
        {
            string model = Model("model", 16, new[] { "floor", "wall" }, seed: 1);
            string unconditional = Model("unconditional", 8, null, seed: 2);
            (int code, string output) = Livediffusion.Run("guide", "--model", model, "--guide", unconditional, "--scale", "1.3");
            Assert.Equal(2, code);
            Assert.Contains("cannot guide the model: classes []", output);
            Assert.False(Directory.Exists(ModelFolder.Open(model).GuideUNetFolder), "a refused guide left files behind");

            // A model without a guide: --autoguidance says what is missing.
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--steps", "2", "--out", Path.Combine(_root, "x"), "--autoguidance", "1.3");
            Assert.Equal(2, code);
            Assert.Contains("needs a guide UNet", output);

            // model_index.json names a guide whose folder is gone: opening says which file and how to fix it.
            string guide = Model("guide", 8, new[] { "floor", "wall" }, seed: 3);
            Assert.Equal(0, Livediffusion.Run("guide", "--model", model, "--guide", guide, "--scale", "1.3").Code);
            Directory.Delete(ModelFolder.Open(model).GuideUNetFolder, recursive: true);
            (code, output) = Livediffusion.Run("generate", "--model", model, "--count", "1", "--steps", "2", "--out", Path.Combine(_root, "y"));
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine("guide_unet", "config.json") + " is missing", output);
        }

        public void Dispose()
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }
}
