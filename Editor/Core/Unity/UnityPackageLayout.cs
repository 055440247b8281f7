using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LiveDiffusion.Editor.Unity
{
    /// <summary>
    /// The package as Unity's package manager sees it: which files and folders it imports (all but hidden ones: a name
    /// that starts with '.' or ends with '~', as Unity's rules say), and the <c>.meta</c> each of those needs. A meta's
    /// GUID is derived from the package name and the path, so writing the metas again never changes one; a moved file
    /// gets a new GUID (write the metas again after moving). Used by <c>livediffusion unity-metas</c> to write them and
    /// by the package tests to check them.
    /// </summary>
    public static class UnityPackageLayout
    {
        /// <summary>The package name of <c>package.json</c>, part of every GUID.</summary>
        public const string PackageName = "com.livediffusion.core";

        private static readonly Regex GuidLine = new Regex(@"^guid: ([0-9a-f]{32})\s*$", RegexOptions.Multiline);

        private static readonly HashSet<string> TextExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".json", ".md", ".txt", ".html", ".htm", ".xml", ".yaml", ".yml", ".csv", ".bytes",
        };

        /// <summary>Whether Unity skips <paramref name="relativePath"/> (a segment starting with '.' or ending with '~').</summary>
        public static bool IsHidden(string relativePath) =>
            relativePath.Split('/').Any(s => s.StartsWith(".", StringComparison.Ordinal) || s.EndsWith("~", StringComparison.Ordinal));

        /// <summary>
        /// The files and folders Unity imports from a package holding <paramref name="files"/> (paths relative to the
        /// package root, '/'-separated, as <c>git ls-files</c> prints them), sorted; metas and hidden paths excluded. The
        /// package root itself needs no meta.
        /// </summary>
        public static IReadOnlyList<(string Path, bool IsFolder)> Importable(IEnumerable<string> files)
        {
            var result = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            foreach (string file in files.Where(f => !f.EndsWith(".meta", StringComparison.Ordinal) && !IsHidden(f)))
            {
                result[file] = false;
                for (int slash = file.IndexOf('/'); slash > 0; slash = file.IndexOf('/', slash + 1))
                {
                    result[file.Substring(0, slash)] = true;
                }
            }

            return result.Select(p => (p.Key, p.Value)).ToArray();
        }

        /// <summary>The GUID of <paramref name="relativePath"/>: 32 lower-case hex digits of MD5(package name + '/' + path).</summary>
        public static string GuidFor(string relativePath)
        {
            using var md5 = MD5.Create();
            byte[] hash = md5.ComputeHash(Encoding.UTF8.GetBytes(PackageName + "/" + relativePath));
            return string.Concat(hash.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        }

        /// <summary>The meta of <paramref name="relativePath"/>: its GUID and the importer Unity uses for its kind.</summary>
        public static string MetaFor(string relativePath, bool isFolder)
        {
            string importer = isFolder ? "DefaultImporter" : ImporterFor(Path.GetExtension(relativePath));
            var meta = new StringBuilder();
            meta.Append("fileFormatVersion: 2\n");
            meta.Append("guid: ").Append(GuidFor(relativePath)).Append('\n');
            if (isFolder)
            {
                meta.Append("folderAsset: yes\n");
            }

            meta.Append(importer).Append(":\n");
            meta.Append("  externalObjects: {}\n");
            if (importer == "MonoImporter")
            {
                meta.Append("  serializedVersion: 2\n  defaultReferences: []\n  executionOrder: 0\n  icon: {instanceID: 0}\n");
            }
            else if (importer == "PluginImporter")
            {
                // A managed plugin on every platform, referenced only by the assembly definitions that name it
                // (precompiledReferences), so it never leaks into the user's own assemblies.
                meta.Append("  serializedVersion: 2\n  iconMap: {}\n  executionOrder: {}\n  defineConstraints: []\n  isPreloaded: 0\n  isOverridable: 0\n");
                meta.Append("  isExplicitlyReferenced: 1\n  validateReferences: 1\n  platformData:\n  - first:\n      Any: \n    second:\n      enabled: 1\n      settings: {}\n");
            }

            meta.Append("  userData: \n  assetBundleName: \n  assetBundleVariant: \n");
            return meta.ToString();
        }

        /// <summary>
        /// What is wrong with the metas under <paramref name="root"/> for the package files <paramref name="files"/>: a
        /// missing or stale meta (not what <see cref="MetaFor"/> writes), a meta whose file or folder is gone, a GUID
        /// used twice. Empty when all is well.
        /// </summary>
        public static IReadOnlyList<string> Check(string root, IReadOnlyCollection<string> files)
        {
            var problems = new List<string>();
            var guids = new Dictionary<string, string>(StringComparer.Ordinal);
            IReadOnlyList<(string Path, bool IsFolder)> importable = Importable(files);
            foreach ((string path, bool isFolder) in importable)
            {
                string metaPath = Path.Combine(root, path + ".meta");
                if (!File.Exists(metaPath))
                {
                    problems.Add($"{path}.meta is missing (run ./livediffusion unity-metas)");
                    continue;
                }

                string meta = File.ReadAllText(metaPath);
                Match guid = GuidLine.Match(meta);
                if (!guid.Success)
                {
                    problems.Add($"{path}.meta has no 32-hex-digit guid line");
                }
                else if (guids.TryGetValue(guid.Groups[1].Value, out string? other))
                {
                    problems.Add($"{path}.meta repeats the guid of {other}.meta");
                }
                else
                {
                    guids[guid.Groups[1].Value] = path;
                }

                if (meta != MetaFor(path, isFolder))
                {
                    problems.Add($"{path}.meta is not the one this package writes (run ./livediffusion unity-metas)");
                }
            }

            problems.AddRange(Orphans(files, importable).Select(f => $"{f} belongs to nothing Unity imports (delete it)"));
            return problems;
        }

        /// <summary>Writes every meta the package needs under <paramref name="root"/> and deletes orphaned ones; returns how many files changed.</summary>
        public static int Write(string root, IReadOnlyCollection<string> files)
        {
            int changed = 0;
            IReadOnlyList<(string Path, bool IsFolder)> importable = Importable(files);
            foreach ((string path, bool isFolder) in importable)
            {
                string metaPath = Path.Combine(root, path + ".meta");
                string meta = MetaFor(path, isFolder);
                if (!File.Exists(metaPath) || File.ReadAllText(metaPath) != meta)
                {
                    File.WriteAllText(metaPath, meta);
                    changed++;
                }
            }

            foreach (string orphan in Orphans(files, importable))
            {
                File.Delete(Path.Combine(root, orphan));
                changed++;
            }

            return changed;
        }

        /// <summary>The metas among <paramref name="files"/> that belong to nothing in <paramref name="importable"/>.</summary>
        private static IEnumerable<string> Orphans(IEnumerable<string> files, IEnumerable<(string Path, bool IsFolder)> importable)
        {
            var wanted = new HashSet<string>(importable.Select(i => i.Path + ".meta"), StringComparer.Ordinal);
            return files.Where(f => f.EndsWith(".meta", StringComparison.Ordinal) && !wanted.Contains(f)).ToArray();
        }

        private static string ImporterFor(string extension) => extension.ToLowerInvariant() switch
        {
            ".cs" => "MonoImporter",
            ".asmdef" => "AssemblyDefinitionImporter",
            ".asmref" => "AssemblyDefinitionReferenceImporter",
            ".png" or ".jpg" or ".jpeg" or ".tga" => "TextureImporter",
            ".dll" => "PluginImporter",
            _ when TextExtensions.Contains(extension) => "TextScriptImporter",
            _ => "DefaultImporter",
        };
    }
}
