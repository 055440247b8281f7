#nullable enable
using System.IO;
using LiveDiffusion.Models;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// Where an engine host finds the model a component names. A component's model field is a folder path: absolute,
    /// or relative to the engine's streaming-assets folder (what a player build ships); empty means the built-in
    /// model: in the package while the editor runs (the editor layer gives the package root), and under
    /// <c>&lt;streaming assets&gt;/LiveDiffusion/dungeon-textures</c> in a player (copy
    /// <c>Runtime/BuiltIn/dungeon-textures</c> there to ship it).
    /// </summary>
    public static class EngineModelLocation
    {
        /// <summary>The built-in model's folder under the streaming-assets folder of a player build.</summary>
        public static string BuiltInInStreamingAssets(string streamingAssetsPath) =>
            Path.Combine(streamingAssetsPath, "LiveDiffusion", BuiltInModels.DungeonTextures);

        /// <summary>
        /// The model folder for the field value <paramref name="modelFolder"/>, given the package root when the editor
        /// runs (null in a player) and the engine's streaming-assets folder.
        /// </summary>
        /// <exception cref="DirectoryNotFoundException">The built-in model is not in the package (a damaged install).</exception>
        public static string Resolve(string? modelFolder, string? packageRoot, string streamingAssetsPath)
        {
            if (!string.IsNullOrWhiteSpace(modelFolder))
            {
                return Path.IsPathRooted(modelFolder) ? modelFolder! : Path.Combine(streamingAssetsPath, modelFolder!);
            }

            return packageRoot != null ? BuiltInModels.InPackage(packageRoot) : BuiltInInStreamingAssets(streamingAssetsPath);
        }
    }
}
