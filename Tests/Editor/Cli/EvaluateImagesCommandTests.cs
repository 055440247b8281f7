using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using LiveDiffusion.Editor.Tests.Training;
using LiveDiffusion.Imaging;
using LiveDiffusion.Tests.Support;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>Runs the real <c>livediffusion evaluate --images</c> on folders of images made elsewhere.</summary>
    public sealed class EvaluateImagesCommandTests
    {
        [SharedDataFact("taesd")]
        public void AFolderOfImagesIsMeasuredAgainstTheDataClassByClass()
        {
            string taesd = SharedDataFolder.Require("taesd");

            // The two folders hold the same images (same generator seed); the second also has three bad files.
            using var data = new TinyDataset(size: 16, perClass: 12, withBadFiles: false);
            using var same = new TinyDataset(size: 16, perClass: 12, withBadFiles: true);
            (int code, string output) = Livediffusion.Run("evaluate", "--images", same.Folder, "--data", data.Folder, "--size", "16", "--class-conditional", "--taesd", taesd, "--json");
            Assert.True(code == 0, output);
            Assert.Contains($"{TinyDataset.BadFiles} file(s) skipped", output);
            JsonNode identical = Report(output);
            Assert.True(identical["from_images"]!.GetValue<bool>());
            Assert.Equal(24, identical["generated_count"]!.GetValue<int>());
            Assert.Equal(Path.GetFullPath(same.Folder), identical["model"]!.GetValue<string>());
            double fdIdentical = identical["fd_generated_vs_train"]!.GetValue<double>();
            double fdRealHalves = identical["fd_real_vs_real"]!.GetValue<double>();
            Assert.True(fdIdentical < 1e-3 * fdRealHalves, $"the same images: FD {fdIdentical}, real halves {fdRealHalves}");
            Assert.Equal(1.0, identical["spread_ratio"]!.GetValue<double>(), 6);
            Assert.True(identical["fd_mean_term"]!.GetValue<double>() < 1e-9, output);
            Assert.Equal(new[] { "checks", "stripes" }, identical["classes"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToArray());
            Assert.All(identical["classes"]!.AsArray(), c =>
            {
                Assert.Equal(12, c!["generated_count"]!.GetValue<int>());
                Assert.True(c["fd_generated_vs_train"]!.GetValue<double>() < 1e-3 * fdRealHalves);
            });

            // Twelve copies of one flat grey image against the stripes: far off, and with no spread at all.
            string grey = Path.Combine(Path.GetTempPath(), "ld-eval-grey-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(grey);
                var flat = new RgbImage(16, 16, 3);
                Array.Fill(flat.Pixels, (byte)128);
                for (int i = 0; i < 12; i++)
                {
                    PngFile.Write(Path.Combine(grey, $"grey-{i}.png"), flat);
                }

                (code, output) = Livediffusion.Run("evaluate", "--images", grey, "--data", Path.Combine(data.Folder, "stripes"), "--size", "16", "--taesd", taesd, "--json");
                Assert.True(code == 0, output);
                JsonNode other = Report(output);
                Assert.Empty(other["classes"]!.AsArray());
                Assert.True(other["fd_generated_vs_train"]!.GetValue<double>() > 2 * other["fd_real_vs_real"]!.GetValue<double>(), output);
                Assert.InRange(other["fd_mean_term"]!.GetValue<double>(), 1e-3, other["fd_generated_vs_train"]!.GetValue<double>());
                Assert.True(other["spread_ratio"]!.GetValue<double>() < 1e-6, output);
            }
            finally
            {
                Directory.Delete(grey, true);
            }

            // The table names where the images came from.
            (code, output) = Livediffusion.Run("evaluate", "--images", same.Folder, "--data", data.Folder, "--size", "16", "--class-conditional", "--taesd", taesd, "--splits", "3");
            Assert.True(code == 0, output);
            Assert.Contains("24 images read from the folder", output);
            Assert.Contains("mean of 3 seeded splits", output);
        }

        [SharedDataFact("taesd")]
        public void WithoutModelOrImagesTheBuiltInModelIsMeasuredAsGenerateWouldUseIt()
        {
            using var data = new TinyDataset(size: 32, perClass: 4, withBadFiles: false);
            (int code, string output) = Livediffusion.Run("evaluate", "--data", data.Folder, "--count", "4", "--steps", "2", "--splits", "2",
                "--taesd", SharedDataFolder.Require("taesd"), "--json");
            Assert.True(code == 0, output);
            Assert.EndsWith(Path.Combine("BuiltIn", "dungeon-textures"), Report(output)["model"]!.GetValue<string>().TrimEnd('/'));
        }

        [Fact]
        public void WrongCombinationsAndUnknownClassesSayWhatToPass()
        {
            using var data = new TinyDataset(size: 16, perClass: 2, withBadFiles: false);
            (int code, string output) = Livediffusion.Run("evaluate", "--model", "Runtime/BuiltIn/dungeon-textures", "--images", data.Folder, "--data", data.Folder);
            Assert.Equal(2, code);
            Assert.Contains("--model and --images both given", output);

            (code, output) = Livediffusion.Run("evaluate", "--images", data.Folder, "--data", data.Folder);
            Assert.Equal(2, code);
            Assert.Contains("--images needs --size", output);

            (code, output) = Livediffusion.Run("evaluate", "--images", data.Folder, "--data", data.Folder, "--size", "16", "--splits", "0");
            Assert.Equal(2, code);
            Assert.Contains("--splits 0: use 1 or more", output);

            (code, output) = Livediffusion.Run("evaluate", "--images", data.Folder, "--data", data.Folder, "--size", "16", "--steps", "50", "--guidance", "2");
            Assert.Equal(2, code);
            Assert.Contains("--steps, --guidance set how images are generated", output);

            string images = Path.Combine(Path.GetTempPath(), "ld-eval-images-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(images);
                foreach (string cls in new[] { "checks", "dots" })
                {
                    Directory.CreateDirectory(Path.Combine(images, cls));
                    foreach (string file in Directory.GetFiles(Path.Combine(data.Folder, "checks")))
                    {
                        File.Copy(file, Path.Combine(images, cls, Path.GetFileName(file)));
                    }
                }

                (code, output) = Livediffusion.Run("evaluate", "--images", images, "--data", data.Folder, "--size", "16", "--class-conditional");
                Assert.Equal(2, code);
                Assert.Contains($"{Path.Combine(images, "dots")}: no class 'dots'", output);
                Assert.Contains("the classes there are checks, stripes", output);
            }
            finally
            {
                Directory.Delete(images, true);
            }
        }

        /// <summary>The JSON report: stdout comes first in the output, indented, so its closing brace is the first at the start of a line.</summary>
        private static JsonNode Report(string output)
        {
            int start = output.IndexOf('{', StringComparison.Ordinal);
            int end = output.IndexOf("\n}", start, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, output);
            return JsonNode.Parse(output.Substring(start, end + 2 - start))!;
        }
    }
}
