using System;
using System.IO;

namespace LiveDiffusion.Editor
{
    /// <summary>
    /// Finds a subfolder of the shared data that sits beside a checkout (<c>../shared/data</c>): first under
    /// <c>$LIVEDIFFUSION_SHARED_DATA</c>, then in the first <c>shared/data</c> folder found walking up from the
    /// current directory.
    /// </summary>
    public static class SharedDataLocator
    {
        /// <summary>The environment variable naming the shared data folder.</summary>
        public const string Variable = "LIVEDIFFUSION_SHARED_DATA";

        /// <summary>
        /// The first candidate <c>&lt;shared data&gt;/<paramref name="subfolder"/></c> that <paramref name="isComplete"/>
        /// accepts, or null.
        /// </summary>
        public static string? Find(string subfolder, string currentDirectory, string? sharedDataVariable, Func<string, bool> isComplete)
        {
            if (!string.IsNullOrEmpty(sharedDataVariable))
            {
                string fromVariable = Path.Combine(Path.GetFullPath(sharedDataVariable, currentDirectory), subfolder);
                if (isComplete(fromVariable))
                {
                    return fromVariable;
                }
            }

            for (string? dir = Path.GetFullPath(currentDirectory); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, "shared", "data", subfolder);
                if (isComplete(candidate))
                {
                    return candidate;
                }
            }

            return null;
        }
    }
}
