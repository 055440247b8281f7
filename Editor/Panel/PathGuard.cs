using System;
using System.IO;
using System.Text.RegularExpressions;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Every path the panel touches on a request goes through here: run names and file names are matched against
    /// strict patterns (no separators, no "..") and every resolved path must stay inside the folder it was chosen
    /// from, after symbolic links are followed. A refusal is a 400 naming the field.
    /// </summary>
    internal static class PathGuard
    {
        private static readonly Regex NamePattern = new Regex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);
        private static readonly Regex SampleFilePattern = new Regex(@"^step-\d{1,12}\.png$", RegexOptions.CultureInvariant);
        private static readonly Regex CheckpointFilePattern = new Regex(@"^checkpoint-\d{1,12}\.safetensors$", RegexOptions.CultureInvariant);

        /// <summary>Checks a run or export name: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters.</summary>
        public static string Name(string? name, string field)
        {
            if (string.IsNullOrEmpty(name) || !NamePattern.IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
            {
                throw new PanelRequestException(400, $"'{name}' is not a valid name: use letters, digits, '.', '_' and '-' (start with a letter or digit, at most 64 characters).", field);
            }

            return name;
        }

        /// <summary>The folder of run <paramref name="name"/> under <paramref name="runsFolder"/>.</summary>
        public static string RunFolder(string runsFolder, string? name, string field = "run") =>
            Inside(runsFolder, Name(name, field), field);

        /// <summary>Checks a sample grid file name (<c>step-N.png</c>).</summary>
        public static string SampleFile(string? file) =>
            file != null && SampleFilePattern.IsMatch(file) ? file : throw new PanelRequestException(400, $"'{file}' is not a sample grid name (step-N.png).", "file");

        /// <summary>Checks a checkpoint file name (<c>checkpoint-N.safetensors</c>).</summary>
        public static string CheckpointFile(string? file, string field) =>
            file != null && CheckpointFilePattern.IsMatch(file) ? file : throw new PanelRequestException(400, $"'{file}' is not a checkpoint name (checkpoint-N.safetensors).", field);

        /// <summary>
        /// Resolves <paramref name="path"/> (absolute, or relative to <paramref name="root"/>) and checks that it lies
        /// inside <paramref name="root"/>, also after following a symbolic link at the end of the path.
        /// </summary>
        public static string Inside(string root, string? path, string field)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new PanelRequestException(400, "A path is needed here.", field);
            }

            if (path.IndexOf('\0') >= 0)
            {
                throw new PanelRequestException(400, "The path contains a NUL character.", field);
            }

            string fullRoot = Path.GetFullPath(root);
            string full = Path.GetFullPath(Path.Combine(fullRoot, path));
            if (!IsInside(fullRoot, full))
            {
                throw new PanelRequestException(400, $"'{path}' resolves to {full}, outside {fullRoot}; the panel only reads and writes inside that folder (start the panel with another --data-root or --runs to change it).", field);
            }

            FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
            if (info.Exists && info.LinkTarget != null)
            {
                FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target != null && !IsInside(fullRoot, Path.GetFullPath(target.FullName)))
                {
                    throw new PanelRequestException(400, $"'{path}' is a link to {target.FullName}, outside {fullRoot}.", field);
                }
            }

            return full;
        }

        private static bool IsInside(string root, string full)
        {
            string trimmedRoot = root.TrimEnd(Path.DirectorySeparatorChar);
            return full.Equals(trimmedRoot, StringComparison.Ordinal)
                || full.StartsWith(trimmedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        }
    }
}
