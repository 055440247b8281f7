using System;
using System.Diagnostics;
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
            if (backend == "torch")
            {
                return TorchTextureGenerator.Load(folder);
            }

            if (backend != "onnx")
            {
                throw new ArgumentException($"Unknown backend '{backend}': use {string.Join(" or ", Names)}.", nameof(backend));
            }

            OnnxDenoiser denoiser = OpenOnnx(folder, folder.UNet, folder.OnnxPath, () => UNet2DOnnxExporter.Build(folder), "UNet", log);
            try
            {
                OnnxDenoiser? guide = folder.GuideUNet == null ? null
                    : OpenOnnx(folder, folder.GuideUNet, folder.GuideOnnxPath, () => UNet2DOnnxExporter.BuildGuide(folder), "guide UNet", log);
                return new TextureGenerator(folder, denoiser, guide);
            }
            catch
            {
                denoiser.Dispose();
                throw;
            }
        }

        /// <summary>
        /// The classifier-free and autoguidance scales and the guidance interval to run with, from the command line's
        /// <c>--guidance</c> (<paramref name="cfg"/>), <c>--autoguidance</c> (<paramref name="auto"/>) and
        /// <c>--guidance-interval</c> (<paramref name="interval"/>: LOW..HIGH, or "all"): what was given; with neither
        /// scale, autoguidance at the folder's recommended scale and interval when there is a guide, else
        /// classifier-free guidance at <paramref name="cfgDefault"/> at every step.
        /// </summary>
        /// <exception cref="ArgumentException">Autoguidance without a guide, both kinds of guidance asked for, or a malformed interval.</exception>
        public static (float Cfg, float Auto, (float Low, float High)? Interval) ResolveGuidance(
            float? cfg, float? auto, string? interval, bool hasGuide, float recommendedAuto, (float Low, float High)? recommendedInterval, float cfgDefault, string model)
        {
            (float Low, float High)? given = null;
            if (interval != null && !string.Equals(interval, "all", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    given = GuidanceIntervals.Parse(interval);
                }
                catch (FormatException e)
                {
                    throw new ArgumentException("--guidance-interval: " + e.Message + " Or 'all' for every step.", e);
                }
            }

            if (auto.HasValue && auto.Value != 1f && !hasGuide)
            {
                throw new ArgumentException($"--autoguidance needs a guide UNet, and {model} has none (its model_index.json names no {ModelFolder.GuideComponent}). Attach one with `livediffusion guide`, or use --guidance.");
            }

            if (auto.HasValue && auto.Value != 1f && cfg.HasValue && cfg.Value != 1f)
            {
                throw new ArgumentException($"--guidance {cfg} and --autoguidance {auto}: the two kinds of guidance are not combined; give one (or set the other to 1).");
            }

            bool folderDefault = !auto.HasValue && !cfg.HasValue && hasGuide;
            (float Low, float High)? chosen = interval != null ? given : folderDefault ? recommendedInterval : null;
            return auto.HasValue ? (cfg ?? 1f, auto.Value, chosen)
                : cfg.HasValue ? (cfg.Value, 1f, chosen)
                : hasGuide ? (1f, recommendedAuto, chosen)
                : (cfgDefault, 1f, chosen);
        }

        private static OnnxDenoiser OpenOnnx(ModelFolder folder, UNet2DConfig config, string onnxPath, Func<OnnxGraphBuilder> export, string what, TextWriter log)
        {
            DenoiserInfo info = DenoiserInfo.For(config, folder.Scheduler.PredictionType, "onnx");
            OnnxModel model;
            if (File.Exists(onnxPath))
            {
                model = OnnxModel.Load(onnxPath);
                log.WriteLine($"onnx: {onnxPath} on {model.Providers.Selected}");
            }
            else
            {
                var clock = Stopwatch.StartNew();
                model = OnnxModel.FromBytes(export().ToBytes(), onnxPath + " (exported in memory)");
                log.WriteLine($"onnx: exported the {what} in memory in {clock.ElapsedMilliseconds} ms, running on {model.Providers.Selected}; `livediffusion export --model <folder>` keeps the file.");
            }

            try
            {
                return new OnnxDenoiser(model, info, ownsModel: true);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
    }
}
