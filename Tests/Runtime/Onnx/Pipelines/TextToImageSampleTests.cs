using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using LiveDiffusion.Imaging;
using LiveDiffusion.Onnx.Tests.Fixtures;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Onnx.Tests.Pipelines
{
    /// <summary>Samples/TextToImage run as a user runs it, against a tiny fixture folder.</summary>
    public sealed class TextToImageSampleTests
    {
        [SharedDataFact]
        public void TheSampleWritesAnImageWithItsRecipe()
        {
            string work = Path.Combine(Path.GetTempPath(), "ld-t2i-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                string folder = TinyStableDiffusion.Create(work, TinyUNetKind.TextToImage, optimumStyle: true);
                var start = new ProcessStartInfo("dotnet") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "TextToImage.dll"), folder, "a lantern on a stone wall", "11", "3" })
                {
                    start.ArgumentList.Add(arg);
                }

                using Process process = Process.Start(start)!;
                string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                Assert.True(process.WaitForExit(120_000), "the sample did not finish");
                Assert.True(process.ExitCode == 0, output);
                Assert.Contains("step 3/3", output, StringComparison.Ordinal);
                string png = Path.Combine(work, "text-to-image-11.png");
                IReadOnlyDictionary<string, string> text = PngTextChunks.Read(File.ReadAllBytes(png));
                Assert.StartsWith("a lantern on a stone wall\n", text["parameters"], StringComparison.Ordinal);
                RgbImage image = PngFile.Read(png);
                Assert.Equal((512, 512), (image.Width, image.Height));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
