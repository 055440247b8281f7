using System;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>Runs the real <c>livediffusion</c> command line from the test output folder, as a user runs it without a display.</summary>
    internal static class Livediffusion
    {
        /// <summary>How long one command may run before the test fails with what it printed.</summary>
        public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

        /// <summary>Runs one command to the end; returns its exit code and everything it printed (stdout and stderr, as read).</summary>
        public static (int Code, string Output) Run(params string[] args)
        {
            using ChildProcess process = Start(args);
            return process.WaitForExit(Deadline);
        }

        /// <summary>Runs one command to the end; returns its exit code, stdout and stderr apart.</summary>
        public static (int Code, string Stdout, string Stderr) RunSplit(params string[] args)
        {
            using ChildProcess process = Start(args);
            (int code, _) = process.WaitForExit(Deadline);
            return (code, process.Stdout, process.Stderr);
        }

        /// <summary>
        /// Asserts that a command refused bad input as the README promises: exit code 2, exactly one <c>error: </c> line on
        /// stderr containing <paramref name="expected"/>, no stack trace.
        /// </summary>
        public static void AssertRefused(int code, string stderr, string expected)
        {
            Assert.True(code == 2, $"exit code {code}: {stderr}");
            string error = Assert.Single(stderr.Split('\n'), l => l.StartsWith("error: ", StringComparison.Ordinal));
            Assert.Contains(expected, error, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }

        private static ChildProcess Start(string[] args) => ChildProcess.StartDll("livediffusion.dll", args, start =>
        {
            start.Environment.Remove("DISPLAY");
            start.Environment.Remove("WAYLAND_DISPLAY");
        });
    }
}
