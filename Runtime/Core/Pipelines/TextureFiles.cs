#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Writes generated textures as PNG files that carry their recipe (a <c>parameters</c> text chunk, which
    /// <c>--recipe-from</c> and <see cref="TextureGenerator.Reproduce"/> read back): texture i of a request is
    /// <c>&lt;class&gt;-&lt;seed + i&gt;.png</c> (<c>texture-&lt;seed&gt;.png</c> without a class). The one naming rule
    /// for the command line, the engine's editor window and its components.
    /// </summary>
    public static class TextureFiles
    {
        /// <summary>
        /// The file name of texture <paramref name="index"/> of <paramref name="request"/>. A class name is used only
        /// through letters, digits, '-' and '_' (anything else becomes '_'), since it comes from a model's config.
        /// </summary>
        public static string NameOf(TextureRequest request, int index)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            string prefix = string.IsNullOrEmpty(request.ClassName) ? "texture" : Safe(request.ClassName!);
            return $"{prefix}-{request.Seed + (ulong)index}.png";
        }

        /// <summary>
        /// Writes every texture of <paramref name="textures"/> (made for <paramref name="request"/>) into
        /// <paramref name="folder"/> (created when missing), replacing files of the same name; returns the paths in order.
        /// </summary>
        /// <exception cref="IOException">A file cannot be written; the message names it.</exception>
        public static IReadOnlyList<string> Save(GeneratedTextures textures, TextureRequest request, string folder)
        {
            if (textures == null)
            {
                throw new ArgumentNullException(nameof(textures));
            }

            Directory.CreateDirectory(folder);
            var paths = new List<string>(textures.Images.Count);
            for (int i = 0; i < textures.Images.Count; i++)
            {
                string path = Path.Combine(folder, NameOf(request, i));
                PngFile.Write(path, textures.Images[i], new Dictionary<string, string> { ["parameters"] = textures.Recipes[i] });
                paths.Add(path);
            }

            return paths;
        }

        private static string Safe(string name)
        {
            var safe = new StringBuilder(name.Length);
            foreach (char c in name)
            {
                safe.Append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ? c : '_');
            }

            return safe.ToString();
        }
    }
}
