using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>
    /// The progress display as a person sees it: on a terminal (a pseudo-terminal made by util-linux's <c>script</c>,
    /// part of every Debian install) a bar that reaches 100% with the batch lines above it; redirected, plain lines only.
    /// </summary>
    public sealed class ProgressDisplayTests : IDisposable
    {
        private readonly string _out = Path.Combine(Path.GetTempPath(), "ld-progress-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void OnATerminalGenerateDrawsABarToTheEndAndKeepsEachBatchLine()
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "livediffusion.dll");
            string command = $"dotnet '{dll}' generate --count 40 --steps 3 --out '{_out}'";
            using ChildProcess process = ChildProcess.Start("script", new[] { "--quiet", "--return", "--command", command, "/dev/null" }, start =>
            {
                start.Environment["TERM"] = "xterm";
                start.Environment.Remove("DISPLAY");
                start.Environment.Remove("WAYLAND_DISPLAY");
            });
            (int code, string output) = process.WaitForExit(Livediffusion.Deadline);
            Assert.True(code == 0, output);
            Assert.Contains("\u001b[", output, StringComparison.Ordinal);
            Assert.Contains("━", output, StringComparison.Ordinal);
            Assert.Contains("100%", output, StringComparison.Ordinal);
            Assert.Equal(4, output.Split('\n').Count(l => l.Contains("textures written", StringComparison.Ordinal)));
            Assert.Equal(40, Directory.GetFiles(_out, "floor-*.png").Length + Directory.GetFiles(_out, "wall-*.png").Length);
        }

        [Fact]
        public void RedirectedGenerateWritesPlainLinesOnly()
        {
            (int code, string stdout, string stderr) = Livediffusion.RunSplit("generate", "--count", "40", "--steps", "3", "--out", _out);
            Assert.True(code == 0, stderr);
            Assert.DoesNotContain('\r', stdout);
            Assert.DoesNotContain('\u001b', stdout);
            Assert.Contains("generate: 36/40 textures, batch 4/4 step 3/3", stdout, StringComparison.Ordinal);
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
