#nullable enable
using UnityEditor;

namespace LiveDiffusion.Unity.Editor
{
    /// <summary>
    /// Tells the runtime layer where the package is while the editor runs (Unity resolves a package to a folder of its
    /// own choosing: <c>Library/PackageCache/...</c> for a git install, <c>Packages/...</c> for an embedded one), so
    /// components find the built-in model in it.
    /// </summary>
    internal static class PackageLocation
    {
        /// <summary>The package's root folder.</summary>
        public static string Root =>
            UnityEditor.PackageManager.PackageInfo.FindForAssembly(typeof(PackageLocation).Assembly).resolvedPath;

        [InitializeOnLoadMethod]
        private static void GiveTheRuntimeThePackageRoot() => LiveDiffusionTextureGenerator.PackageRoot = Root;
    }
}
