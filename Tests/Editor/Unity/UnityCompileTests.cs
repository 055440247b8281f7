using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Unity
{
    /// <summary>
    /// The engine-free runtime compiled as Unity compiles a package's code, without Unity: only the files physically under
    /// the assembly's folder (Unity reads no csproj), C# 9, nullable contexts only from the files themselves, Unity's
    /// defines, against the .NET Standard 2.1 API, and no warning allowed. The same NuGet packages stand in for the
    /// DLLs a Unity project will get (see the README's "In Unity" section).
    /// </summary>
    [Collection(nameof(UnityCompileTests))]
    [CollectionDefinition(nameof(UnityCompileTests), DisableParallelization = true)]
    public sealed class UnityCompileTests : IDisposable
    {
        private const string UnityDefines = "UNITY_2022_3_OR_NEWER;UNITY_STANDALONE;UNITY_64;ENABLE_MONO;NET_STANDARD_2_0;NET_STANDARD;NETSTANDARD2_1;NETSTANDARD";

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-unity-compile-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void TheEngineFreeRuntimeCompilesAtDotnetStandard21WithCSharp9AndNoWarnings()
        {
            Directory.CreateDirectory(_folder);

            // Stop the repository's build settings (nullable on, newer C#, its output folder) from reaching the projects.
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets" })
            {
                File.WriteAllText(Path.Combine(_folder, name), "<Project></Project>");
            }

            File.WriteAllText(Path.Combine(_folder, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            WriteProject("LiveDiffusion.Runtime", "Runtime/Core", new[] { "System.Numerics.Tensors", "StbImageSharp", "StbImageWriteSharp", "System.Text.Json" }, reference: null);
            WriteProject("LiveDiffusion.Runtime.Onnx", "Runtime/Onnx", new[] { "Microsoft.ML.OnnxRuntime" }, reference: "LiveDiffusion.Runtime");

            using ChildProcess build = ChildProcess.Start("dotnet", new[] { "build", Path.Combine(_folder, "LiveDiffusion.Runtime.Onnx", "LiveDiffusion.Runtime.Onnx.csproj"), "-nologo", "-v", "quiet", "-clp:NoSummary" });
            (int code, string output) = build.WaitForExit(TimeSpan.FromMinutes(8));
            string[] problems = output.Split('\n').Where(l => l.Contains(" error ", StringComparison.Ordinal) || l.Contains(" warning ", StringComparison.Ordinal)).Distinct().ToArray();
            Assert.True(code == 0 && problems.Length == 0, $"exit {code}; {problems.Length} error/warning line(s):\n{string.Join("\n", problems.Take(40))}\n{(problems.Length == 0 ? output : string.Empty)}");
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

        /// <summary>The versions the product builds with, from Directory.Packages.props, so the stand-in never drifts.</summary>
        private static string VersionOf(string package) =>
            XDocument.Load(Path.Combine(SharedData.RepositoryRoot, "Directory.Packages.props")).Descendants("PackageVersion")
                .Single(e => (string?)e.Attribute("Include") == package).Attribute("Version")!.Value;

        private void WriteProject(string assembly, string sourceFolder, IEnumerable<string> packages, string? reference)
        {
            string project = Path.Combine(_folder, assembly);
            Directory.CreateDirectory(project);
            string sources = Path.Combine(SharedData.RepositoryRoot, sourceFolder);
            var xml = new XElement("Project", new XAttribute("Sdk", "Microsoft.NET.Sdk"),
                new XElement("PropertyGroup",
                    new XElement("TargetFramework", "netstandard2.1"),
                    new XElement("LangVersion", "9.0"),
                    new XElement("Nullable", "disable"),
                    new XElement("AssemblyName", assembly),
                    new XElement("EnableDefaultCompileItems", "false"),
                    new XElement("AllowUnsafeBlocks", "true"),
                    new XElement("DefineConstants", UnityDefines),
                    new XElement("TreatWarningsAsErrors", "true"),
                    new XElement("NoWarn", "NU1603;CS1591"),
                    new XElement("GenerateDocumentationFile", "true")),
                new XElement("ItemGroup",
                    new XElement("Compile", new XAttribute("Include", Path.Combine(sources, "**", "*.cs"))),
                    packages.Select(p => new XElement("PackageReference", new XAttribute("Include", p), new XAttribute("Version", VersionOf(p)))),
                    reference == null ? null : new XElement("ProjectReference", new XAttribute("Include", Path.Combine("..", reference, reference + ".csproj")))));
            xml.Save(Path.Combine(project, assembly + ".csproj"));
        }
    }
}
