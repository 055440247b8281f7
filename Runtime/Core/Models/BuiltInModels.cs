#nullable enable
using System;
using System.IO;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// The models that ship with the package. The built-in texture model lives in the package at
    /// <c>Runtime/BuiltIn/dungeon-textures/</c> and is copied beside every program that references the Torch runtime
    /// (<c>BuiltIn/dungeon-textures/</c> in the output folder).
    /// </summary>
    public static class BuiltInModels
    {
        /// <summary>Name of the built-in texture model (a 32x32, tileable, floor/wall class-conditional model).</summary>
        public const string DungeonTextures = "dungeon-textures";

        /// <summary>
        /// Finds the folder of built-in model <paramref name="name"/>: beside the running program first, then in the
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
