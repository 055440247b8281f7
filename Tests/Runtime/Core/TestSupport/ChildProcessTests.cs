using System;
using System.Threading.Tasks;
using Xunit;
using Xunit.Sdk;

namespace LiveDiffusion.Tests
{
    public sealed class ChildProcessTests
    {
        [Fact]
        public void AChildThatFillsBothPipesRunsToItsEnd()
        {
            // 4 MB on stderr and 4 MB on stdout: far past a pipe's 64 KiB, so an undrained stream would block the child.
            using ChildProcess child = ChildProcess.Start("sh", new[] { "-c", "head -c 4000000 /dev/zero | tr '\\0' 'e' | fold -w 100 >&2; head -c 4000000 /dev/zero | tr '\\0' 'o' | fold -w 100; echo done" });
            (int code, string output) = child.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.Equal(0, code);
            Assert.EndsWith("done\n", child.Stdout);
            Assert.Equal(40_000, child.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Equal(child.Stdout.Length + child.Stderr.Length, output.Length);
        }

        [Fact]
        public void AMissedDeadlineKillsTheChildAndFailsWithWhatItPrinted()
        {
            using ChildProcess child = ChildProcess.Start("sh", new[] { "-c", "echo started; echo on-stderr >&2; sleep 60" });
            var failure = Assert.Throws<FailException>(() => child.WaitForExit(TimeSpan.FromSeconds(2)));
            Assert.Contains("did not exit within 2 s", failure.Message);
            Assert.Contains("started", failure.Message);
            Assert.Contains("on-stderr", failure.Message);
            Assert.True(child.HasExited);
        }

        [Fact]
        public async Task ALineIsFoundWhetherItCameBeforeOrAfterTheWait()
        {
            using ChildProcess child = ChildProcess.Start("sh", new[] { "-c", "echo first; sleep 1; echo second >&2; sleep 60" });
            Assert.Equal("second", await child.WaitForLineAsync(l => l.StartsWith("sec", StringComparison.Ordinal), TimeSpan.FromSeconds(30)));
            Assert.Equal("first", await child.WaitForLineAsync(l => l == "first", TimeSpan.FromSeconds(1)));
            await Assert.ThrowsAsync<FailException>(() => child.WaitForLineAsync(l => l == "never", TimeSpan.FromSeconds(1)));
        }
    }
}
