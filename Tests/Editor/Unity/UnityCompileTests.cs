using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Unity
{
    /// <summary>
    /// Every assembly Unity compiles from this package (the engine-free runtime, the ONNX backend, the thin UnityEngine
    /// and UnityEditor layers and the Samples~ sample) compiled as Unity compiles a package's code, without Unity: only
    /// the files physically under the assembly's folder (Unity reads no csproj), C# 9, nullable contexts only from the
    /// files themselves, Unity's defines, at both of Unity's API compatibility levels, and no warning allowed. The engine
    /// layers compile against the reference-only stand-ins in Tests/UnityStandIn~; ONNX Runtime's NuGet package stands
    /// in for asus4's Unity package (see the README's "In Unity" section).
    /// </summary>
    [Collection(nameof(UnityCompileTests))]
    [CollectionDefinition(nameof(UnityCompileTests), DisableParallelization = true)]
    public sealed class UnityCompileTests : IDisposable
    {
        /// <summary>Unity's defines at the .NET Standard 2.1 API compatibility level (Unity's scripting reference, "Conditional compilation").</summary>
        private const string StandardDefines = "UNITY_2022_3_OR_NEWER;UNITY_STANDALONE;UNITY_64;ENABLE_MONO;NET_STANDARD_2_0;NET_STANDARD_2_1;NET_STANDARD;NETSTANDARD2_1;NETSTANDARD";

        /// <summary>Unity's defines at the .NET Framework API compatibility level.</summary>
        private const string FrameworkDefines = "UNITY_2022_3_OR_NEWER;UNITY_STANDALONE;UNITY_64;ENABLE_MONO;NET_4_6;NET_UNITY_4_8";

        /// <summary>The assembly of asus4's ONNX Runtime package, which the ONNX backend references in Unity.</summary>
        private const string OnnxRuntimeAssembly = "com.github.asus4.onnxruntime";

        /// <summary>Every assembly definition Unity compiles, in dependency order (the rest carry LIVEDIFFUSION_DOTNET_TOOLS).</summary>
        private static readonly string[] UnityAssemblies =
        {
            "Runtime/Core/LiveDiffusion.Runtime.asmdef",
            "Runtime/Onnx/LiveDiffusion.Runtime.Onnx.asmdef",
            "Runtime/Unity/LiveDiffusion.Unity.asmdef",
            "Editor/Unity/LiveDiffusion.Unity.Editor.asmdef",
            "Samples~/LiveTexturePlane/LiveDiffusion.Samples.LiveTexturePlane.asmdef",
        };

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-unity-compile-" + Guid.NewGuid().ToString("N"));

        /// <summary>
        /// Both of Unity's API compatibility levels. .NET Standard 2.1 compiles against its reference assembly. For
        /// .NET Framework, Unity offers .NET Framework 4.8 plus most of .NET Standard 2.1; the stand-in here is narrower
        /// and so stricter: the .NET Framework 4.8 reference assemblies plus System.Memory (Span, Memory, binary
        /// primitives) only, so code that passes uses no member that exists in .NET Standard 2.1 alone.
        /// </summary>
        [Theory]
        [InlineData("netstandard2.1", StandardDefines, "")]
        [InlineData("net48", FrameworkDefines, "System.Memory")]
        public void EveryAssemblyUnityCompilesBuildsAtBothUnityApiLevelsWithCSharp9AndNoWarnings(string framework, string defines, string extraPackage)
        {
            Directory.CreateDirectory(_folder);

            // Stop the repository's build settings (nullable on, newer C#, its output folder) from reaching the projects.
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets" })
            {
                File.WriteAllText(Path.Combine(_folder, name), "<Project></Project>");
            }

            File.WriteAllText(Path.Combine(_folder, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            var level = new ApiLevel(framework, defines, extraPackage);
            WriteStandIn(level, "UnityEngine", null);
            WriteStandIn(level, "UnityEditor", "UnityEngine");
            foreach (string asmdef in UnityAssemblies)
            {
                WriteProject(level, asmdef);
            }

            // The leaves: building them builds everything they reference.
            foreach (string leaf in new[] { "LiveDiffusion.Unity.Editor", "LiveDiffusion.Samples.LiveTexturePlane" })
            {
                using ChildProcess build = ChildProcess.Start("dotnet", new[] { "build", Path.Combine(_folder, leaf, leaf + ".csproj"), "-nologo", "-v", "quiet", "-clp:NoSummary" });
                (int code, string output) = build.WaitForExit(TimeSpan.FromMinutes(8));
                string[] problems = output.Split('\n').Where(l => l.Contains(" error ", StringComparison.Ordinal) || l.Contains(" warning ", StringComparison.Ordinal)).Distinct().ToArray();
                Assert.True(code == 0 && problems.Length == 0, $"{framework}, {leaf}: exit {code}; {problems.Length} error/warning line(s):\n{string.Join("\n", problems.Take(40))}\n{(problems.Length == 0 ? output : string.Empty)}");
            }

            foreach (string asmdef in UnityAssemblies)
            {
                string name = Path.GetFileNameWithoutExtension(asmdef);
                Assert.True(Directory.GetFiles(Path.Combine(_folder, name), name + ".dll", SearchOption.AllDirectories).Length > 0, $"{name} was not built");
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        /// <summary>
        /// The versions the product builds with, from Directory.Packages.props, so the stand-in never drifts (System.Memory:
        /// the version the runtime's own net48 build uses).
        /// </summary>
        private static string VersionOf(string package) =>
            XDocument.Load(Path.Combine(SharedData.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
                .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;

        /// <summary>
        /// A project for one assembly definition, read as Unity reads it: the C# files under its folder, unsafe code only
        /// when it allows it, its precompiled references (the package's own DLLs, by path), its references to other
        /// assembly definitions, and the defines its versionDefines give when their package is present. The one
        /// stand-in: asus4's com.github.asus4.onnxruntime assembly compiles ONNX Runtime's C# API, which the
        /// Microsoft.ML.OnnxRuntime package of the same sources provides here.
        /// </summary>
        private void WriteProject(ApiLevel level, string asmdefPath)
        {
            string root = SharedData.RepositoryRoot;
            JsonObject asmdef = JsonNode.Parse(File.ReadAllText(Path.Combine(root, asmdefPath)))!.AsObject();
            string assembly = asmdef["name"]!.GetValue<string>();
            string sources = Path.GetDirectoryName(Path.Combine(root, asmdefPath))!;
            string[] versionDefines = asmdef["versionDefines"]!.AsArray().Select(v => v!["define"]!.GetValue<string>()).ToArray();
            var references = new List<XElement>();
            foreach (string name in asmdef["references"]!.AsArray().Select(r => r!.GetValue<string>()))
            {
                references.Add(name == OnnxRuntimeAssembly
                    ? Package("Microsoft.ML.OnnxRuntime")
                    : new XElement("ProjectReference", new XAttribute("Include", Path.Combine("..", name, name + ".csproj"))));
            }

            foreach (string dll in asmdef["precompiledReferences"]!.AsArray().Select(r => r!.GetValue<string>()))
            {
                string path = Path.Combine(root, "Runtime", "Plugins", dll);
                Assert.True(File.Exists(path), $"{asmdefPath}: precompiled reference {dll} is not in Runtime/Plugins");
                references.Add(new XElement("Reference", new XAttribute("Include", Path.GetFileNameWithoutExtension(dll)), new XElement("HintPath", path)));
            }

            if (level.ExtraPackage.Length > 0)
            {
                references.Add(Package(level.ExtraPackage));
            }

            // Engine references: UnityEngine for every assembly that takes them, UnityEditor too for editor-only ones.
            if (!asmdef["noEngineReferences"]!.GetValue<bool>())
            {
                bool editorOnly = asmdef["includePlatforms"]!.AsArray().Any(p => p!.GetValue<string>() == "Editor");
                foreach (string engine in editorOnly ? new[] { "UnityEngine", "UnityEditor" } : new[] { "UnityEngine" })
                {
                    references.Add(new XElement("ProjectReference", new XAttribute("Include", Path.Combine("..", engine, engine + ".csproj"))));
                }
            }

            string project = Path.Combine(_folder, assembly);
            Directory.CreateDirectory(project);
            var xml = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", level.Framework),
                    new XElement("DisableImplicitFrameworkDefines", "true"),
                    new XElement("LangVersion", "9.0"),
                    new XElement("Nullable", "disable"),
                    new XElement("AssemblyName", assembly),
                    new XElement("EnableDefaultCompileItems", "false"),
                    new XElement("AllowUnsafeBlocks", asmdef["allowUnsafeCode"]!.GetValue<bool>() ? "true" : "false"),
                    new XElement("DefineConstants", string.Join(";", new[] { level.Defines }.Concat(versionDefines))),
                    new XElement("TreatWarningsAsErrors", "true"),
                    new XElement("NoWarn", "NU1603;CS1591"),
                    new XElement("GenerateDocumentationFile", "true")),
                new XElement("ItemGroup",
                    new XElement("Compile", new XAttribute("Include", Path.Combine(sources, "**", "*.cs"))),
                    references));
            xml.Save(Path.Combine(project, assembly + ".csproj"));
        }

        /// <summary>
        /// A project for the reference-only stand-in of a Unity assembly (Tests/UnityStandIn~, hidden from Unity by its name): what the Unity layers
        /// compile against here in place of UnityEngine.dll and UnityEditor.dll.
        /// </summary>
        private void WriteStandIn(ApiLevel level, string assembly, string? reference)
        {
            string project = Path.Combine(_folder, assembly);
            Directory.CreateDirectory(project);
            new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", level.Framework),
                    new XElement("LangVersion", "9.0"),
                    new XElement("Nullable", "enable"),
                    new XElement("AssemblyName", assembly),
                    new XElement("EnableDefaultCompileItems", "false")),
                new XElement("ItemGroup",
                    new XElement("Compile", new XAttribute("Include", Path.Combine(SharedData.RepositoryRoot, "Tests", "UnityStandIn~", assembly + ".cs"))),
                    level.ExtraPackage.Length > 0 ? Package(level.ExtraPackage) : null,
                    reference == null ? null : new XElement("ProjectReference", new XAttribute("Include", Path.Combine("..", reference, reference + ".csproj")))))
                .Save(Path.Combine(project, assembly + ".csproj"));
        }

        private static XElement Package(string name) => new XElement("PackageReference", new XAttribute("Include", name), new XAttribute("Version", VersionOf(name)));

        private sealed record ApiLevel(string Framework, string Defines, string ExtraPackage);
    }
}
