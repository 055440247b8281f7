using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Onnx.Tests.Fixtures;
using Xunit;
using SharedDataFactAttribute = LiveDiffusion.Tests.SharedDataFactAttribute;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>
    /// Runs the real <c>livediffusion generate</c> on tiny Stable Diffusion ONNX folders (random weights, the real
    /// export signatures and configs): text-to-image with its recipe, reproduction from the PNG, image-to-image,
    /// inpainting, depth, the live recording, and the errors a user meets.
    /// </summary>
    public sealed class StableDiffusionGenerateCommandTests : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-sd-cli-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, true);
            }
        }

        private string Out(string name) => Path.Combine(_root, name);

        [SharedDataFact]
        public void TextToImageWritesPngsWithTheirRecipeAndRecipeFromReproducesOneExactly()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--prompt", "mossy flagstones, top-down", "--negative-prompt", "blurry",
                "--count", "2", "--seed", "11", "--steps", "3", "--size", "32", "--scheduler", "euler-a", "--out", Out("t2i"));
            Assert.True(code == 0, output);
            Assert.Contains("text-to-image", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Out("t2i"), "contact-sheet.png")), output);
            string first = Path.Combine(Out("t2i"), "sd-11.png");
            RgbImage image = PngFile.Read(first);
            Assert.Equal((32, 32), (image.Width, image.Height));
            Assert.NotEqual(PngFile.Read(Path.Combine(Out("t2i"), "sd-12.png")).Pixels, image.Pixels);

            GenerationRecipe recipe = GenerationRecipe.Parse(PngTextChunks.Read(File.ReadAllBytes(first))["parameters"]);
            Assert.Equal("mossy flagstones, top-down", recipe.Prompt);
            Assert.Equal("blurry", recipe.NegativePrompt);
            Assert.Equal("EulerAncestralDiscreteScheduler", recipe["Sampler"]);
            Assert.Equal(11, recipe.GetInteger("Seed"));
            Assert.Equal(7.5, recipe.GetNumber("CFG scale"));

            (code, output) = Livediffusion.Run("generate", "--model", model, "--recipe-from", first, "--out", Out("again"));
            Assert.True(code == 0, output);
            Assert.Equal(image.Pixels, PngFile.Read(Path.Combine(Out("again"), "sd-11.png")).Pixels);
        }

        [SharedDataFact]
        public void JsonPutsOnlyTheSummaryOnStdoutAndRedirectedProgressIsPlainLines()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--model", model, "--prompt", "slate roof", "--count", "2", "--seed", "5",
                "--steps", "2", "--size", "32", "--out", Out("json"), "--json");
            Assert.True(code == 0, stderr);
            JsonObject summary = JsonNode.Parse(stdout.Trim())!.AsObject();
            Assert.Equal(2, summary["count"]!.GetValue<int>());
            JsonArray files = summary["files"]!.AsArray();
            Assert.Equal(new ulong[] { 5, 6 }, files.Select(f => f!["seed"]!.GetValue<ulong>()).ToArray());
            foreach (JsonNode? file in files)
            {
                Assert.Null(file!["class"]);
                Assert.Equal(file["recipe"]!.GetValue<string>(), PngTextChunks.Read(File.ReadAllBytes(file["path"]!.GetValue<string>()))["parameters"]);
            }

            // Redirected output gets the display's plain lines: no carriage returns, no escape codes.
            Assert.True(stderr.Contains("generate: image 2/2 step ", StringComparison.Ordinal), stderr);
            Assert.DoesNotContain('\r', stderr);
            Assert.DoesNotContain('\u001b', stderr);
        }

        [SharedDataFact]
        public void APromptInAnyScriptIsRecordedAsWrittenAndReproducedExactly()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            const string prompt = "“mossy” flagstones — 苔むした石 🧱";
            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--prompt", prompt, "--negative-prompt", "ぼやけた",
                "--count", "1", "--seed", "21", "--steps", "2", "--size", "32", "--out", Out("unicode"));
            Assert.True(code == 0, output);
            string made = Path.Combine(Out("unicode"), "sd-21.png");
            GenerationRecipe recipe = GenerationRecipe.Parse(PngTextChunks.Read(File.ReadAllBytes(made))["parameters"]);
            Assert.Equal((prompt, "ぼやけた"), (recipe.Prompt, recipe.NegativePrompt));

            (code, output) = Livediffusion.Run("generate", "--model", model, "--recipe-from", made, "--out", Out("unicode-again"));
            Assert.True(code == 0, output);
            Assert.Equal(PngFile.Read(made).Pixels, PngFile.Read(Path.Combine(Out("unicode-again"), "sd-21.png")).Pixels);
        }

        [SharedDataFact]
        public void ImageToImageAndInpaintingStartFromTheGivenImageAndARecipeFromAnImageAsksForIt()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            Directory.CreateDirectory(_root);
            var init = new RgbImage(32, 32, 3);
            for (int p = 0; p < init.Pixels.Length; p++)
            {
                init.Pixels[p] = (byte)(p * 7 % 251);
            }

            var mask = new RgbImage(32, 32, 1);
            for (int y = 0; y < 32; y++)
            {
                for (int x = 16; x < 32; x++)
                {
                    mask.Pixels[(y * 32) + x] = 255;
                }
            }

            string initPath = Path.Combine(_root, "init.png"), maskPath = Path.Combine(_root, "mask.png");
            PngFile.Write(initPath, init);
            PngFile.Write(maskPath, mask);

            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--prompt", "cracked wall", "--init-image", initPath, "--strength", "0.5",
                "--steps", "4", "--seed", "3", "--out", Out("img2img"));
            Assert.True(code == 0, output);
            Assert.Contains("image-to-image", output, StringComparison.Ordinal);
            string made = Path.Combine(Out("img2img"), "sd-3.png");
            Assert.Contains("Denoising strength: 0.5", PngTextChunks.Read(File.ReadAllBytes(made))["parameters"], StringComparison.Ordinal);

            (code, output) = Livediffusion.Run("generate", "--model", model, "--recipe-from", made, "--out", Out("again"));
            Assert.Equal(2, code);
            Assert.Contains("--init-image", output, StringComparison.Ordinal);
            (code, output) = Livediffusion.Run("generate", "--model", model, "--recipe-from", made, "--init-image", initPath, "--out", Out("again"));
            Assert.True(code == 0, output);
            Assert.Equal(PngFile.Read(made).Pixels, PngFile.Read(Path.Combine(Out("again"), "sd-3.png")).Pixels);

            (code, output) = Livediffusion.Run("generate", "--model", model, "--prompt", "cracked wall", "--init-image", initPath, "--mask", maskPath,
                "--steps", "3", "--seed", "3", "--out", Out("inpaint"));
            Assert.True(code == 0, output);
            Assert.Contains("inpainting by latent blending", output, StringComparison.Ordinal);
            RgbImage inpainted = PngFile.Read(Path.Combine(Out("inpaint"), "sd-3.png"), 3);
            for (int y = 0; y < 32; y++)
            {
                for (int x = 0; x < 16; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        int p = (((y * 32) + x) * 3) + c;
                        Assert.True(init.Pixels[p] == inpainted.Pixels[p], $"kept pixel ({x}, {y}) changed");
                    }
                }
            }
        }

        [SharedDataFact]
        public void DepthToImageTakesAGreyscaleDepthImage()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.Depth);
            var depth = new RgbImage(32, 32, 1);
            for (int p = 0; p < depth.Pixels.Length; p++)
            {
                depth.Pixels[p] = (byte)(p % 32 * 8);
            }

            Directory.CreateDirectory(_root);
            string depthPath = Path.Combine(_root, "depth.png");
            PngFile.Write(depthPath, depth);
            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--prompt", "x", "--size", "32", "--steps", "2", "--seed", "1", "--out", Out("plain"));
            Assert.Equal(2, code);
            Assert.Contains("depth", output, StringComparison.OrdinalIgnoreCase);
            (code, output) = Livediffusion.Run("generate", "--model", model, "--prompt", "x", "--depth", depthPath, "--size", "32", "--steps", "2", "--seed", "1", "--out", Out("depth"));
            Assert.True(code == 0, output);
            Assert.Contains("depth-to-image", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Out("depth"), "sd-1.png")), output);
        }

        [SharedDataFact]
        public void LiveRecordsEveryStepAsStableDiffusionLatentsWithTheDecodedView()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--prompt", "brick", "--size", "32", "--steps", "3", "--scheduler", "ddim", "--live", "--view", "decoded",
                "--tileable", "--out", Out("live"));
            Assert.True(code == 0, output);
            string live = Path.Combine(Out("live"), "live");
            string[] frames = Directory.GetFiles(Path.Combine(live, "frames"), "*.png").Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal).ToArray()!;
            Assert.True(frames.Length == 3, string.Join(", ", frames));
            Assert.Contains("\"encoding\": \"sd1\"", File.ReadAllText(Path.Combine(live, "run.json")), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(Out("live"), "tiled-preview.png")), output);
            Assert.Contains("Tileable: yes", PngTextChunks.Read(File.ReadAllBytes(Path.Combine(Out("live"), "sd-7.png")))["parameters"], StringComparison.Ordinal);
        }

        [SharedDataFact]
        public void MistakesGetAnErrorThatSaysWhatToDo()
        {
            string model = TinyStableDiffusion.Create(_root, TinyUNetKind.TextToImage);
            (int code, string output) = Livediffusion.Run("generate", "--model", model, "--out", Out("x"));
            Assert.Equal(2, code);
            Assert.Contains("--prompt", output, StringComparison.Ordinal);

            (code, output) = Livediffusion.Run("generate", "--prompt", "a wall", "--count", "1", "--out", Out("x"));
            Assert.Equal(2, code);
            Assert.Contains("--prompt is for Stable Diffusion folders", output, StringComparison.Ordinal);

            (code, output) = Livediffusion.Run("generate", "--model", model, "--prompt", "x", "--size", "36", "--steps", "1", "--out", Out("x"));
            Assert.Equal(2, code);
            Assert.Contains("multiple of 8", output, StringComparison.Ordinal);

            (code, output) = Livediffusion.Run("generate", "--model", model, "--prompt", "x", "--init-image", Path.Combine(_root, "missing.png"), "--out", Out("x"));
            Assert.Equal(2, code);
            Assert.Contains("missing.png", output, StringComparison.Ordinal);

            // Each bad value or file: one line naming the option or file, exit code 2, nothing written.
            string notPng = Path.Combine(_root, "notes.txt");
            File.WriteAllText(notPng, "not a PNG");
            foreach ((string[] extra, string expected) in new (string[], string)[]
            {
                (new[] { "--steps", "0" }, "error: --steps: 0: use at least 1."),
                (new[] { "--guidance", "-3" }, "error: --guidance: -3: use 1 (none) or more."),
                (new[] { "--width", "36" }, "error: --width: size 36x32 must be a positive multiple of 8 for this model."),
                (new[] { "--scheduler", "fast" }, "error: --scheduler: Unknown scheduler 'fast'."),
                (new[] { "--recipe-from", notPng }, $"error: --recipe-from {notPng}: Not a PNG file (bad signature)."),
                (new[] { "--out", notPng }, "is a file; pass a folder"),
            })
            {
                (code, _, string stderr) = Livediffusion.RunSplit(new[] { "generate", "--model", model, "--prompt", "x", "--size", "32" }.Concat(extra).Concat(extra.Contains("--out") ? Array.Empty<string>() : new[] { "--out", Out("refused") }).ToArray());
                Livediffusion.AssertRefused(code, stderr, expected);
                Assert.False(Directory.Exists(Out("refused")), string.Join(" ", extra));
            }

            string vocabFile = Path.Combine(model, "tokenizer", "vocab.json");
            byte[] vocabBytes = File.ReadAllBytes(vocabFile);
            File.WriteAllText(vocabFile, "{");
            (code, _, string vocab) = Livediffusion.RunSplit("generate", "--model", model, "--prompt", "x", "--out", Out("x"));
            Livediffusion.AssertRefused(code, vocab, "tokenizer/vocab.json is not valid JSON (line 1, column 2");
            File.WriteAllBytes(vocabFile, vocabBytes);

            File.WriteAllText(Path.Combine(model, "unet", "model.onnx"), "garbage");
            (code, _, string garbage) = Livediffusion.RunSplit("generate", "--model", model, "--prompt", "x", "--out", Out("x"));
            Livediffusion.AssertRefused(code, garbage, "ONNX Runtime could not load");

            File.Delete(Path.Combine(model, "unet", "model.onnx"));
            (code, output) = Livediffusion.Run("generate", "--model", model, "--prompt", "x", "--out", Out("x"));
            Assert.Equal(2, code);
            Assert.Contains("unet/model.onnx is missing", output, StringComparison.Ordinal);
        }
    }
}
