#nullable enable
using System;
using System.Diagnostics;
using System.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Onnx
{
    /// <summary>Opens a model folder (or the built-in texture model) with the ONNX Runtime backend: the one way to do so.</summary>
    public static class OnnxTextureGenerator
    {
        /// <summary>
        /// Loads <paramref name="modelFolder"/>, or the built-in texture model when null, with its guide UNet when the
        /// folder has one. See <see cref="Load(ModelFolder, UNetOnnxExport, OnnxSessionSettings, Action{string})"/>.
        /// </summary>
        /// <exception cref="ModelConfigException">The folder or a part of it is missing, unloadable or mismatched.</exception>
        public static TextureGenerator Load(string? modelFolder = null, UNetOnnxExport? export = null, OnnxSessionSettings? settings = null, Action<string>? log = null) =>
            Load(ModelFolder.Open(modelFolder ?? BuiltInModels.Locate()), export, settings, log);

        /// <summary>
        /// Loads an opened model folder: <c>unet/model.onnx</c> (and <c>guide_unet/model.onnx</c> when the folder has a
        /// guide) when present; otherwise <paramref name="export"/> builds the model in memory, and without one the file
        /// is required; a folder from <see cref="ModelFolder.WithPadding"/> that changed the padding is always exported.
        /// <paramref name="log"/> hears one line per UNet: where it came from and the execution provider.
        /// </summary>
        /// <exception cref="ModelConfigException">
        /// A <c>model.onnx</c> is missing and there is no <paramref name="export"/>, or a part is unloadable or mismatched.
        /// </exception>
        public static TextureGenerator Load(ModelFolder folder, UNetOnnxExport? export = null, OnnxSessionSettings? settings = null, Action<string>? log = null)
        {
            if (folder == null)
            {
                throw new ArgumentNullException(nameof(folder));
            }

            OnnxDenoiser denoiser = Open(folder, guide: false, export, settings, log);
            try
            {
                OnnxDenoiser? guideDenoiser = folder.GuideUNet == null ? null : Open(folder, guide: true, export, settings, log);
                return new TextureGenerator(folder, denoiser, guideDenoiser);
            }
            catch
            {
                denoiser.Dispose();
                throw;
            }
        }

        private static OnnxDenoiser Open(ModelFolder folder, bool guide, UNetOnnxExport? export, OnnxSessionSettings? settings, Action<string>? log)
        {
            UNet2DConfig config = guide ? folder.GuideUNet! : folder.UNet;
            string path = guide ? folder.GuideOnnxPath : folder.OnnxPath;
            string what = guide ? "guide UNet" : "UNet";
            OnnxModel model;
            if (File.Exists(path) && !folder.PaddingOverridden)
            {
                model = OnnxModel.Load(path, settings);
                log?.Invoke($"onnx: {path} on {model.Providers.Selected}");
            }
            else if (export != null)
            {
                var clock = Stopwatch.StartNew();
                model = OnnxModel.FromBytes(export(folder, guide), path + " (exported in memory)", settings);
                log?.Invoke($"onnx: exported the {what} in memory in {clock.ElapsedMilliseconds} ms, running on {model.Providers.Selected}; `livediffusion export --model <folder>` keeps the file.");
            }
            else if (folder.PaddingOverridden)
            {
                throw new ModelConfigException($"{path}: an exported graph keeps the padding it was exported with; running {folder.Path} with {config.PaddingMode} padding needs the UNet exported in memory (pass an export).");
            }
            else
            {
                throw new ModelConfigException($"{path} not found: export the model first (livediffusion export --model {folder.Path}).");
            }

            try
            {
                return new OnnxDenoiser(model, DenoiserInfo.For(config, folder.Scheduler.PredictionType, "onnx"), ownsModel: true);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
    }
}
