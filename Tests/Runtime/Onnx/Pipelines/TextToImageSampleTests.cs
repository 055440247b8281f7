using System;
using System.Collections.Generic;
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
                using ChildProcess process = ChildProcess.StartDll("TextToImage.dll", new[] { folder, "a lantern on a stone wall", "11", "3" }, start => start.WorkingDirectory = work);
                (int code, string output) = process.WaitForExit(TimeSpan.FromMinutes(2));
                Assert.True(code == 0, output);
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
