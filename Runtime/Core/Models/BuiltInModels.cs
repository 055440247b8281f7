#nullable enable
using System;
using System.IO;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// The models that ship with the package. The built-in texture model lives in the package at
    /// <c>Runtime/BuiltIn/dungeon-textures/</c> (TorchSharp weights and their ONNX export side by side) and is copied
    /// beside every program that references the Torch runtime (<c>BuiltIn/dungeon-textures/</c> in the output folder).
    /// A host that knows where the package is (an engine: Unity's <c>PackageInfo.resolvedPath</c>) passes that folder to
    /// <see cref="InPackage"/>; .NET programs use <see cref="Locate"/>.
    /// </summary>
    public static class BuiltInModels
    {
        /// <summary>Name of the built-in texture model (a 32x32, tileable, floor/wall class-conditional model).</summary>
        public const string DungeonTextures = "dungeon-textures";

        /// <summary>
        /// The folder of built-in model <paramref name="name"/> inside the package whose root (the folder holding
        /// <c>package.json</c> and <c>Runtime/</c>) the host gives: <c>&lt;packageRoot&gt;/Runtime/BuiltIn/&lt;name&gt;</c>.
        /// </summary>
        /// <exception cref="DirectoryNotFoundException">The folder has no <c>model_index.json</c>; the message names the path.</exception>
        public static string InPackage(string packageRoot, string name = DungeonTextures)
        {
            if (string.IsNullOrEmpty(packageRoot))
            {
                throw new ArgumentException("Give the package's root folder (the one holding package.json and Runtime/).", nameof(packageRoot));
            }

            string folder = Path.Combine(packageRoot, "Runtime", "BuiltIn", name);
            if (!File.Exists(Path.Combine(folder, "model_index.json")))
            {
                throw new DirectoryNotFoundException($"Built-in model '{name}' not found at {folder}: {packageRoot} is not the LiveDiffusion package's root folder (the one holding package.json and Runtime/), or the package is incomplete; reinstall it.");
            }

            return folder;
        }

        /// <summary>
        /// Finds the folder of built-in model <paramref name="name"/> for a .NET program: beside the running program first, then in the
        /// package's <c>Runtime/BuiltIn</c> folder above it.
        /// </summary>
        /// <exception cref="DirectoryNotFoundException">The model is in neither place; the message lists where it looked.</exception>
        public static string Locate(string name = DungeonTextures)
        {
            string besideProgram = Path.Combine(AppContext.BaseDirectory, "BuiltIn", name);
            if (File.Exists(Path.Combine(besideProgram, "model_index.json")))
            {
                return besideProgram;
            }

            for (DirectoryInfo? dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "Runtime", "BuiltIn", name);
                if (File.Exists(Path.Combine(candidate, "model_index.json")))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException($"Built-in model '{name}' not found beside the program ({besideProgram}) or in a Runtime/BuiltIn folder above it. Pass --model <folder> or reinstall the package.");
        }
    }
}
