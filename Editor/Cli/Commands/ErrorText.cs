using System;
using System.IO;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>How the command line words an error it reports: one line on stderr, after <c>error: </c>.</summary>
    internal static class ErrorText
    {
        /// <summary>
        /// An exception's message on one line, without the "(Parameter 'x')" and "Actual value was" parts .NET appends to
        /// argument exceptions (the message already names the value).
        /// </summary>
        public static string OneLine(Exception e)
        {
            string message = e.Message;
            if (e is ArgumentException { ParamName: { } name })
            {
                int at = message.IndexOf(" (Parameter '" + name + "')", StringComparison.Ordinal);
                message = at >= 0 ? message.Substring(0, at) : message;
            }

            return string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        /// <summary>
        /// Refuses a folder option that names an existing file: prints <c>error: OPTION PATH is a file; pass a
        /// folder[ PURPOSE] (it is created when missing).</c> and returns true; false (nothing printed) otherwise.
        /// </summary>
        public static bool RefuseFileAsFolder(string option, string folder, string purpose = "")
        {
            if (!File.Exists(folder))
            {
                return false;
            }

            Console.Error.WriteLine($"error: {option} {Path.GetFullPath(folder)} is a file; pass a folder{purpose} (it is created when missing).");
            return true;
        }
    }
}
