using System;
using System.IO;
using Xunit;

namespace LiveDiffusion.Tests.Support
{
    /// <summary>
    /// Finds the shared data folder (../shared/data beside the checkout; present in CI and on the developers'
    /// machines, absent in a user's clone): the LIVEDIFFUSION_SHARED_DATA environment variable when it names a
    /// folder, else the first <c>shared/data</c> folder found walking up from the test assembly's folder. A git
    /// worktree placed elsewhere can point at the data with the environment variable.
    /// </summary>
    public static class SharedDataFolder
    {
        /// <summary>The environment variable that overrides the search.</summary>
        public const string EnvironmentVariable = "LIVEDIFFUSION_SHARED_DATA";

        private static readonly Lazy<string?> Found = new Lazy<string?>(Search);

        /// <summary>The shared data folder, or null when it cannot be found.</summary>
        public static string? Path => Found.Value;

        /// <summary>A subfolder or file of the shared data, or null when the shared data or that entry is absent.</summary>
        public static string? Find(params string[] parts)
        {
            if (Path == null)
            {
                return null;
            }

            string path = System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));
            return Directory.Exists(path) || File.Exists(path) ? path : null;
        }

        /// <summary>Like <see cref="Find"/>, but throws with the reason when absent (for tests already gated by <see cref="SharedDataFactAttribute"/>).</summary>
        public static string Require(params string[] parts) =>
            Find(parts) ?? throw new InvalidOperationException($"shared data '{string.Join("/", parts)}' not found ({Describe()}).");

        internal static string Describe() =>
            $"looked for ${EnvironmentVariable} and for a shared/data folder above {AppContext.BaseDirectory}";

        private static string? Search()
        {
            string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnv) && Directory.Exists(fromEnv))
            {
                return System.IO.Path.GetFullPath(fromEnv);
            }

            string? dir = AppContext.BaseDirectory;
            while (!string.IsNullOrEmpty(dir))
            {
                string candidate = System.IO.Path.Combine(dir, "shared", "data");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }

                dir = System.IO.Path.GetDirectoryName(dir.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            }

            return null;
        }
    }

    /// <summary>
    /// A fact that runs only when every named shared-data entry (e.g. "taesd", "dungeon-tiles/floor") exists; skipped
    /// with the reason otherwise.
    /// </summary>
    public sealed class SharedDataFactAttribute : FactAttribute
    {
        public SharedDataFactAttribute(params string[] entries)
        {
            foreach (string entry in entries)
            {
                if (SharedDataFolder.Find(entry.Split('/')) == null)
                {
                    Skip = $"shared data '{entry}' is absent ({SharedDataFolder.Describe()}); it is beside the checkout in CI and on the developers' machines, or set ${SharedDataFolder.EnvironmentVariable}.";
                    return;
                }
            }
        }
    }
}
