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
                bool engineLayer = Relative(path).StartsWith("Runtime/Unity/", StringComparison.Ordinal) || Relative(path).StartsWith("Editor/Unity/", StringComparison.Ordinal);
                Assert.True(asmdef["noEngineReferences"]!.GetValue<bool>() != engineLayer, $"{Relative(path)}: only the UnityEngine/UnityEditor layers take engine references");
                bool toolOnly = asmdef["defineConstraints"]!.AsArray().Any(d => d!.GetValue<string>() == DotnetOnly);
                bool inUnity = engineLayer || Relative(path).StartsWith("Runtime/Core/", StringComparison.Ordinal) || Relative(path).StartsWith("Runtime/Onnx/", StringComparison.Ordinal);
                Assert.True(toolOnly != inUnity, $"{Relative(path)}: {(inUnity ? "the runtime and its engine layers compile in Unity" : $".NET-only tools carry the define constraint {DotnetOnly}")}");
            }

            foreach (string path in asmdefs)
            {
                JsonObject asmdef = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
                string[] constraints = asmdef["defineConstraints"]!.AsArray().Select(d => d!.GetValue<string>()).ToArray();
                foreach (JsonNode? reference in asmdef["references"]!.AsArray())
                {
                    // Another assembly of this package, or the assembly of an optional package that the definition's
                    // versionDefines detect and whose define it requires (so it never compiles without that package).
                    string name = reference!.GetValue<string>();
                    bool optional = asmdef["versionDefines"]!.AsArray().Any(v => v!["name"]!.GetValue<string>() == name && constraints.Contains(v["define"]!.GetValue<string>()));
                    Assert.True(names.ContainsKey(name) || optional, $"{Relative(path)} references {name}, which no assembly definition in the package names and no versionDefines gate guards");
                }

                foreach (JsonNode? dll in asmdef["precompiledReferences"]!.AsArray())
                {
                    string plugin = Path.Combine(Root, "Runtime", "Plugins", dll!.GetValue<string>());
                    Assert.True(File.Exists(plugin), $"{Relative(path)}: precompiled reference {dll} is not in Runtime/Plugins");
                    Assert.Contains("isExplicitlyReferenced: 1", File.ReadAllText(plugin + ".meta"));
                    Assert.True(asmdef["overrideReferences"]!.GetValue<bool>(), $"{Relative(path)} lists precompiled references, so it sets overrideReferences");
                }
            }

            // Unity compiles a package's C# only inside an assembly definition's folder: every file must be in one.
            string[] folders = asmdefs.Select(p => Relative(Path.GetDirectoryName(p)!) + "/").ToArray();
            string[] orphans = Directory.GetFiles(Root, "*.cs", SearchOption.AllDirectories).Select(Relative)
                .Where(f => !UnityPackageLayout.IsHidden(f) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
                .Where(f => !folders.Any(d => f.StartsWith(d, StringComparison.Ordinal)))
                .ToArray();
            Assert.True(orphans.Length == 0, "outside every assembly definition: " + string.Join(", ", orphans.Take(10)));
        }

        /// <summary>
        /// The managed plugins the runtime ships (Unity cannot restore NuGet packages) are exactly the .NET Standard 2.0
        /// builds of the NuGet packages the .NET build uses, at the versions in Directory.Packages.props, so the two never
        /// drift; each is a plugin for every platform that only the runtime's assembly definition references.
        /// </summary>
        [Theory]
        [InlineData("StbImageSharp")]
        [InlineData("StbImageWriteSharp")]
        public void EachShippedPluginIsTheNuGetPackagesNetStandardBuildAtTheVersionTheBuildUses(string package)
        {
            string version = System.Xml.Linq.XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("PackageVersion")
                .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string fromNuGet = Path.Combine(packages, package.ToLowerInvariant(), version, "lib", "netstandard2.0", package + ".dll");
            string shipped = Path.Combine(Root, "Runtime", "Plugins", package + ".dll");
            Assert.True(File.ReadAllBytes(fromNuGet).AsSpan().SequenceEqual(File.ReadAllBytes(shipped)), $"{Relative(shipped)} is not {fromNuGet}: copy it over (and its version into the README)");
            string meta = File.ReadAllText(shipped + ".meta");
            Assert.Contains("PluginImporter:", meta);
            Assert.Contains("isExplicitlyReferenced: 1", meta);
            Assert.Contains("      Any: \n    second:\n      enabled: 1", meta);
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
