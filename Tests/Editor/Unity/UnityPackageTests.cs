using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LiveDiffusion.Editor.Tests.Cli;
using LiveDiffusion.Editor.Unity;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Unity
{
    /// <summary>
    /// The package as Unity's package manager would import it, checked without Unity: metas, assembly definitions and
    /// package.json. (Unity itself does not run here; see the README's "In Unity" section for what that leaves open.)
    /// </summary>
    public sealed class UnityPackageTests
    {
        /// <summary>The define no Unity project sets: assemblies that carry it are the .NET-only tools, never compiled by Unity.</summary>
        private const string DotnetOnly = "LIVEDIFFUSION_DOTNET_TOOLS";

        private static string Root => SharedData.RepositoryRoot;

        [Fact]
        public void EveryFileAndFolderUnityImportsHasItsMetaAndNoMetaIsOrphaned()
        {
            (int code, string output) = Livediffusion.Run("unity-metas", "--check", "--root", Root);
            Assert.True(code == 0, output);
            Assert.Matches(@"metas: all \d+ in order", output);
        }

        [Fact]
        public void MetaGuidsAreStableUniqueAndHiddenPathsAreLeftOut()
        {
            Assert.Equal(UnityPackageLayout.GuidFor("Runtime/Core/TensorBuffer.cs"), UnityPackageLayout.GuidFor("Runtime/Core/TensorBuffer.cs"));
            Assert.Matches("^[0-9a-f]{32}$", UnityPackageLayout.GuidFor("a"));
            Assert.NotEqual(UnityPackageLayout.GuidFor("a"), UnityPackageLayout.GuidFor("b"));
            var importable = UnityPackageLayout.Importable(new[] { ".ci/run", "Documentation~/a.png", "Runtime/Core/A.cs", "Runtime/Core/A.cs.meta", "README.md" });
            Assert.Equal(new[] { ("README.md", false), ("Runtime", true), ("Runtime/Core", true), ("Runtime/Core/A.cs", false) }, importable);
            Assert.Contains("MonoImporter:", UnityPackageLayout.MetaFor("Runtime/Core/A.cs", false));
            Assert.Contains("folderAsset: yes", UnityPackageLayout.MetaFor("Runtime", true));

            // A stale, a repeated and an orphaned meta are each named.
            string folder = Path.Combine(Path.GetTempPath(), "ld-metas-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(folder, "Runtime"));
            try
            {
                string[] files = { "Runtime/A.cs", "Runtime/B.cs", "Runtime/Gone.cs.meta" };
                File.WriteAllText(Path.Combine(folder, "Runtime/A.cs"), string.Empty);
                File.WriteAllText(Path.Combine(folder, "Runtime/B.cs"), string.Empty);
                Assert.Equal(3, UnityPackageLayout.Write(folder, files.Take(2).ToArray()));
                File.WriteAllText(Path.Combine(folder, "Runtime/B.cs.meta"), File.ReadAllText(Path.Combine(folder, "Runtime/A.cs.meta")));
                File.WriteAllText(Path.Combine(folder, "Runtime/Gone.cs.meta"), "fileFormatVersion: 2\n");
                string[] problems = UnityPackageLayout.Check(folder, files).ToArray();
                Assert.Contains("Runtime/B.cs.meta repeats the guid of Runtime/A.cs.meta", problems);
                Assert.Contains("Runtime/B.cs.meta is not the one this package writes (run ./livediffusion unity-metas)", problems);
                Assert.Contains("Runtime/Gone.cs.meta belongs to nothing Unity imports (delete it)", problems);
                File.Delete(Path.Combine(folder, "Runtime.meta"));
                Assert.Contains("Runtime.meta is missing (run ./livediffusion unity-metas)", UnityPackageLayout.Check(folder, files));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void EveryCSharpFileBelongsToAnAssemblyDefinitionAndTheToolsNeverCompileInUnity()
        {
            string[] asmdefs = Directory.GetFiles(Root, "*.asmdef", SearchOption.AllDirectories).Where(p => !UnityPackageLayout.IsHidden(Relative(p))).ToArray();
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string path in asmdefs)
            {
                JsonObject asmdef = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                string name = asmdef["name"]!.GetValue<string>();
                Assert.True(names.TryAdd(name, path), $"{Relative(path)}: the assembly name {name} is also {names.GetValueOrDefault(name)}");
                Assert.Equal(name + ".asmdef", Path.GetFileName(path));
                Assert.True(asmdef["noEngineReferences"]!.GetValue<bool>(), $"{Relative(path)}: engine-free assemblies set noEngineReferences");
                bool toolOnly = asmdef["defineConstraints"]!.AsArray().Any(d => d!.GetValue<string>() == DotnetOnly);
                bool runtime = Relative(path).StartsWith("Runtime/Core/", StringComparison.Ordinal) || Relative(path).StartsWith("Runtime/Onnx/", StringComparison.Ordinal);
                Assert.True(toolOnly != runtime, $"{Relative(path)}: {(runtime ? "the engine-free runtime compiles in Unity" : $".NET-only tools carry the define constraint {DotnetOnly}")}");
            }

            foreach (string path in asmdefs)
            {
                foreach (JsonNode? reference in JsonNode.Parse(File.ReadAllText(path))!["references"]!.AsArray())
                {
                    Assert.True(names.ContainsKey(reference!.GetValue<string>()), $"{Relative(path)} references {reference}, which no assembly definition in the package names");
                }
            }

            // Unity compiles a package's C# only inside an assembly definition's folder; runtime folders without one are
            // left for the engine-free runtime's own definitions (see the README).
            string[] folders = asmdefs.Select(p => Relative(Path.GetDirectoryName(p)!) + "/").ToArray();
            string[] orphans = Directory.GetFiles(Root, "*.cs", SearchOption.AllDirectories).Select(Relative)
                .Where(f => !UnityPackageLayout.IsHidden(f) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
                .Where(f => !folders.Any(d => f.StartsWith(d, StringComparison.Ordinal)))
                .Where(f => !f.StartsWith("Runtime/Core/", StringComparison.Ordinal) && !f.StartsWith("Runtime/Onnx/", StringComparison.Ordinal))
                .ToArray();
            Assert.True(orphans.Length == 0, "outside every assembly definition: " + string.Join(", ", orphans.Take(10)));
        }

        [Fact]
        public void PackageJsonIsAValidUnityPackageManifest()
        {
            JsonObject package = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "package.json")))!.AsObject();
            Assert.Equal(UnityPackageLayout.PackageName, package["name"]!.GetValue<string>());
            Assert.Matches(@"^[a-z0-9]+(\.[a-z0-9-]+){2,}$", package["name"]!.GetValue<string>());
            Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", package["version"]!.GetValue<string>());
            Assert.Matches(@"^\d{4}\.\d+$", package["unity"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(package["displayName"]?.GetValue<string>()));
            foreach (JsonNode? sample in package["samples"]?.AsArray() ?? new JsonArray())
            {
                string path = sample!["path"]!.GetValue<string>();
                Assert.StartsWith("Samples~/", path);
                Assert.True(Directory.Exists(Path.Combine(Root, path)), $"package.json sample {path} does not exist");
            }
        }

        private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
    }
}
