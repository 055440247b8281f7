using System;
using System.IO;
using Xunit;

namespace LiveDiffusion.Tests
{
    /// <summary>
    /// Locates the repository root and the shared data folder that sits beside the checkout (../shared/data).
    /// The shared data is present in CI and on the developers' machines, not in a user's clone.
    /// </summary>
    public static class SharedData
    {
        private static readonly Lazy<string> Root = new Lazy<string>(FindRepositoryRoot);

        /// <summary>The repository root (the folder holding Plugin.sln).</summary>
        public static string RepositoryRoot => Root.Value;

        /// <summary>The shared data folder, or null when it is absent.</summary>
        public static string? DataDirectory
        {
            get
            {
                string? fromEnv = Environment.GetEnvironmentVariable("LIVEDIFFUSION_SHARED_DATA");
                if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
                {
                    return fromEnv;
                }

                string path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data"));
                return Directory.Exists(path) ? path : null;
            }
        }

        /// <summary>A path inside the shared data folder; throws with the reason when the folder is absent.</summary>
        public static string PathOf(params string[] parts)
        {
            string dir = DataDirectory ?? throw new InvalidOperationException("../shared/data is absent beside the checkout.");
            return Path.Combine(dir, Path.Combine(parts));
        }

        private static string FindRepositoryRoot()
        {
            string? dir = AppContext.BaseDirectory;
            while (dir != null)
            {
                if (File.Exists(Path.Combine(dir, "Plugin.sln")))
                {
                    return dir;
                }

                dir = Path.GetDirectoryName(dir);
            }

            throw new InvalidOperationException("Could not find Plugin.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A fact that runs only when ../shared/data exists beside the checkout; skipped with the reason otherwise.</summary>
    public sealed class SharedDataFactAttribute : FactAttribute
    {
        public SharedDataFactAttribute()
        {
            if (SharedData.DataDirectory == null)
            {
                Skip = "../shared/data is not beside this checkout (it is in CI and on the developers' machines).";
            }
        }
    }
}
