using System;
using System.IO;
using System.Linq;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>Large counts run in batches: every batch's textures are written as it finishes, with a progress line, and seeds stay consecutive.</summary>
    public sealed class GenerateBatchTests : IDisposable
    {
        private readonly string _out = Path.Combine(Path.GetTempPath(), "ld-batches-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void ACountLargerThanABatchIsWrittenBatchByBatchWithConsecutiveSeeds()
        {
            (int code, string output) = Livediffusion.Run("generate", "--count", "40", "--batch", "16", "--steps", "2", "--seed", "3", "--out", _out);
            Assert.True(code == 0, output);
            string[] progress = output.Split('\n').Where(l => l.StartsWith("batch ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(new[] { "batch 1/4 (floor): 16/40", "batch 2/4 (floor): 20/40", "batch 3/4 (wall): 36/40", "batch 4/4 (wall): 40/40" }, progress.Select(l => l.Substring(0, l.IndexOf(" textures", StringComparison.Ordinal))).ToArray());
            string[] expected = Enumerable.Range(3, 20).Select(s => $"floor-{s}.png").Concat(Enumerable.Range(23, 20).Select(s => $"wall-{s}.png")).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            Assert.Equal(expected, Directory.GetFiles(_out, "*-*.png").Select(Path.GetFileName).Where(f => !f!.StartsWith("contact", StringComparison.Ordinal) && !f.StartsWith("tiled", StringComparison.Ordinal)).OrderBy(f => f, StringComparer.Ordinal).ToArray());
        }

        [Fact]
        public void ABatchSizeOutOfRangeIsOneLineAndExitTwo()
        {
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--count", "4", "--batch", "0", "--out", _out);
            Assert.Equal(2, code);
            Assert.Equal("error: --batch must be 1 to 4096.", stderr.Trim());
            Assert.False(Directory.Exists(_out), stdout);
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_out, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
