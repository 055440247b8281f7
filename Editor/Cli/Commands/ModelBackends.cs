using System;
using System.IO;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>Opens a model folder (or the built-in model) with the backend chosen on the command line.</summary>
    internal static class ModelBackends
    {
        /// <summary>The backends <c>--backend</c> accepts.</summary>
        public static readonly string[] Names = { "torch", "onnx" };

        /// <summary>
        /// Loads <paramref name="modelFolder"/> (null: the built-in model) with <paramref name="backend"/>. With ONNX,
        /// <c>unet/model.onnx</c> is used when present; otherwise the UNet is exported in memory first (well under a
        /// second for our models) and a note says how to keep the file.
        /// </summary>
        /// <exception cref="ModelConfigException">The folder or a part of it is missing or mismatched.</exception>
        /// <exception cref="ArgumentException">Unknown backend.</exception>
        public static TextureGenerator Open(string? modelFolder, string backend, TextWriter log)
        {
            ModelFolder folder = ModelFolder.Open(modelFolder ?? BuiltInModels.Locate());
            return backend switch
            {
                "torch" => TorchTextureGenerator.Load(folder),
                "onnx" => OnnxTextureGenerator.Load(folder, UNet2DOnnxExporter.InMemory, log: log.WriteLine),
                _ => throw new ArgumentException($"Unknown backend '{backend}': use {string.Join(" or ", Names)}.", nameof(backend)),
            };
        }
    }
}
