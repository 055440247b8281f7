using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Cli
{
    /// <summary>Runs the real <c>livediffusion</c> command line from the test output folder, as a user runs it without a display.</summary>
    internal static class Livediffusion
    {
        /// <summary>Runs one command to the end; returns its exit code and everything it printed (stdout, then stderr).</summary>
        public static (int Code, string Output) Run(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "livediffusion.dll"));
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Remove("DISPLAY");
            start.Environment.Remove("WAYLAND_DISPLAY");
            using Process process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(300_000), "livediffusion did not finish");
            return (process.ExitCode, stdout + stderr.Result);
        }
    }
}
