using System;
using System.IO;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>The <c>--json</c> convention of every command that has it: stdout carries only the JSON, every other line goes to stderr.</summary>
    internal static class JsonStdout
    {
        /// <summary>
        /// Runs <paramref name="work"/>; with <paramref name="json"/>, <see cref="Console.Out"/> points at stderr while it
        /// runs and the real stdout is passed in for the JSON; without, null is passed. Console.Out is restored after.
        /// </summary>
        public static T Run<T>(bool json, Func<TextWriter?, T> work)
        {
            TextWriter stdout = Console.Out;
            if (json)
            {
                Console.SetOut(Console.Error);
            }

            try
            {
                return work(json ? stdout : null);
            }
            finally
            {
                Console.SetOut(stdout);
            }
        }
    }
}
