using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Unity;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion unity-metas</c>: writes (or with <c>--check</c>, checks) the .meta of everything Unity imports from the package.</summary>
    internal static class UnityMetasCommand
    {
        public static Command Create()
        {
            var root = new Option<string>("--root") { Description = "The package folder (with package.json); default: the one above the current folder.", DefaultValueFactory = _ => string.Empty };
            var check = new Option<bool>("--check") { Description = "Change nothing: list what is missing, stale or orphaned and exit 1 if anything is." };
            var command = new Command("unity-metas", "Write the .meta file of every file and folder Unity imports from this package (GUIDs derived from the paths, so they never churn), and delete orphaned ones. Files come from git (tracked and new, not ignored).")
            {
                root, check,
            };
            command.SetAction(parse =>
            {
                string? folder = Find(parse.GetValue(root)!);
                if (folder == null)
                {
                    Console.Error.WriteLine("error: --root: no package.json in the given folder or above the current one; run this inside the package checkout or pass --root <package folder>.");
                    return 2;
                }

                IReadOnlyCollection<string> files = GitFiles(folder);
                if (parse.GetValue(check))
                {
                    IReadOnlyList<string> problems = UnityPackageLayout.Check(folder, files);
                    foreach (string problem in problems)
                    {
                        Console.WriteLine(problem);
                    }

                    Console.WriteLine(problems.Count == 0 ? $"metas: all {UnityPackageLayout.Importable(files).Count} in order" : $"metas: {problems.Count} problem(s)");
                    return problems.Count == 0 ? 0 : 1;
                }

                int changed = UnityPackageLayout.Write(folder, files);
                Console.WriteLine($"metas: {changed} written or deleted, {UnityPackageLayout.Importable(files).Count} in all under {folder}");
                return 0;
            });
            return command;
        }

        private static string? Find(string given)
        {
            string? folder = Path.GetFullPath(given.Length > 0 ? given : Environment.CurrentDirectory);
            while (folder != null && given.Length == 0 && !File.Exists(Path.Combine(folder, "package.json")))
            {
                folder = Path.GetDirectoryName(folder);
            }

            return folder != null && File.Exists(Path.Combine(folder, "package.json")) ? folder : null;
        }

        /// <summary>The package's files as git sees them: tracked, and new ones it does not ignore ('/'-separated, relative).</summary>
        private static IReadOnlyCollection<string> GitFiles(string folder)
        {
            var info = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string argument in new[] { "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
            {
                info.ArgumentList.Add(argument);
            }

            using Process git = Process.Start(info) ?? throw new InvalidOperationException("git could not be started.");
            var errors = git.StandardError.ReadToEndAsync();
            string output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode != 0)
            {
                throw new InvalidOperationException($"git ls-files failed in {folder}: {errors.Result.Trim()}");
            }

            return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(folder, f))).Distinct().ToArray();
        }
    }
}
