using System;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary><c>generate --json</c>: stdout is one JSON object a script can read; the usual lines go to stderr.</summary>
    public sealed class GenerateJsonTests : IDisposable
    {
        private readonly string _out = Path.Combine(Path.GetTempPath(), "ld-json-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void StdoutHoldsOnlyTheSummaryOfFilesSeedsAndRecipes()
        {
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--count", "3", "--steps", "2", "--seed", "40", "--out", _out, "--json");
            Assert.True(code == 0, stderr);
            JsonObject summary = JsonNode.Parse(stdout.Trim())!.AsObject();
            Assert.Equal(3, summary["count"]!.GetValue<int>());
            JsonArray files = summary["files"]!.AsArray();
            Assert.Equal(new[] { ("floor", 40UL), ("floor", 41UL), ("wall", 42UL) }, files.Select(f => (f!["class"]!.GetValue<string>(), f["seed"]!.GetValue<ulong>())).ToArray());
            foreach (JsonNode? file in files)
            {
                string path = file!["path"]!.GetValue<string>();
                Assert.Equal(file["recipe"]!.GetValue<string>(), PngTextChunks.Read(File.ReadAllBytes(path))["parameters"]);
            }

            Assert.Contains("model: ", stderr);
            Assert.Contains("wrote 3 textures", stderr);
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
