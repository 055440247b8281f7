using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Tests.Training;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>`train` given a bad option or file: one line that names it and the fix, exit code 2, no stack trace, nothing written.</summary>
    public sealed class TrainCommandErrorTests : IDisposable
    {
        private readonly TinyDataset _data = new TinyDataset(withBadFiles: false);
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-train-errors-" + Guid.NewGuid().ToString("N"));

        private (int Code, string Stderr) Train(params string[] extra)
        {
            string[] steps = extra.Contains("--steps") ? Array.Empty<string>() : new[] { "--steps", "2" };
            string[] args = new[] { "train", "--data", _data.Folder, "--out", Path.Combine(_root, "run"), "--preset", "tiny", "--size", "16", "--batch", "2", "--plain" }
                .Concat(steps).Concat(extra).ToArray();
            (int code, _, string stderr) = Livediffusion.RunSplit(args);
            return (code, stderr);
        }

        [Theory]
        [InlineData("--alpha", "x", "--alpha: Argument 'x' not recognized. Must be one of: 'composite', 'keep'")]
        [InlineData("--padding", "x", "--padding: Argument 'x' not recognized. Must be one of: 'circular', 'zeros'")]
        [InlineData("--prediction", "x", "--prediction: Argument 'x' not recognized. Must be one of: 'epsilon', 'v', 'v_prediction'")]
        [InlineData("--steps", "many", "--steps")]
        [InlineData("--steps", "0", "--steps: Steps 0: use 1 to 10,000,000.")]
        [InlineData("--warmup", "3", "--warmup: Warm-up 3 steps: use 0 up to the number of steps (2).")]
        [InlineData("--lr", "0", "--lr: Learning rate 0: use a value in (0, 0.1]")]
        [InlineData("--keep", "0", "--keep: Keep 0 checkpoints: use 1 or more.")]
        [InlineData("--max-pixels", "10", "--max-pixels: 10 pixels per image: use 64 to 1073741824")]
        [InlineData("--allow-formats", "tga,exr", "--allow-formats: Format 'exr': the formats that can be allowed are gif, webp, tga, psd, hdr")]
        public void ABadOptionValueIsOneLineNamingTheOptionAndItsValues(string option, string value, string expected)
        {
            (int code, string stderr) = Train(option, value);
            Livediffusion.AssertRefused(code, stderr, expected);
            Assert.False(Directory.Exists(Path.Combine(_root, "run")), "nothing is written for bad input");
        }

        [Fact]
        public void ABrokenUNetConfigIsNamed()
        {
            Directory.CreateDirectory(_root);
            string config = Path.Combine(_root, "config.json");
            File.WriteAllText(config, "{ \"block_out_channels\": \"wide\" ");
            (int code, string stderr) = Train("--unet-config", config);
            Livediffusion.AssertRefused(code, stderr, "--unet-config: ");
            Assert.Contains(config, stderr);

            (code, stderr) = Train("--unet-config", Path.Combine(_root, "missing.json"));
            Livediffusion.AssertRefused(code, stderr, "--unet-config: UNet configuration not found: ");
        }

        [Fact]
        public void ABrokenOrForeignResumeFileIsNamed()
        {
            Directory.CreateDirectory(_root);
            string junk = Path.Combine(_root, "junk.safetensors");
            File.WriteAllBytes(junk, new byte[] { 1, 2, 3 });
            (int code, string stderr) = Train("--resume", junk);
            Livediffusion.AssertRefused(code, stderr, "--resume: ");
            Assert.Contains(junk, stderr);

            // A whole checkpoint of another run (seed 1) refused when resumed with seed 2.
            (code, stderr) = Train("--seed", "1", "--checkpoint-every", "2");
            Assert.True(code == 0, stderr);
            string checkpoint = Directory.GetFiles(Path.Combine(_root, "run", "checkpoints"), "*.safetensors").Single();
            (code, stderr) = Train("--seed", "2", "--steps", "4", "--resume", checkpoint);
            Livediffusion.AssertRefused(code, stderr, "--resume: ");
            Assert.Contains("resume with --seed 1", stderr);
        }

        public void Dispose()
        {
            _data.Dispose();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
