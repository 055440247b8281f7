using System;
using System.IO;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Exports a checkpoint of a run to <c>&lt;run&gt;/exports/&lt;name&gt;/</c>: a model folder in diffusers' layout
    /// (<c>model_index.json</c>, <c>unet/</c>, <c>scheduler/</c>) from the checkpoint's EMA weights, which
    /// <c>livediffusion generate --model</c> and the runtime load; with format <c>onnx</c> the folder also gets
    /// <c>unet/model.onnx</c> for the ONNX Runtime backend. An existing export is never overwritten, and a failed
    /// export leaves nothing behind.
    /// </summary>
    internal static class PanelExports
    {
        /// <summary>Writes the model folder (and the ONNX UNet for format <c>onnx</c>) and returns the folder's path.</summary>
        /// <exception cref="PanelRequestException">Bad names or format (400), no such checkpoint (404), the export exists (409).</exception>
        public static string Export(string runFolder, string? checkpointFile, string? name, string? format)
        {
            bool onnx = format == "onnx";
            if (!string.IsNullOrEmpty(format) && format != "folder" && !onnx)
            {
                throw new PanelRequestException(400, $"Export format '{format}': use folder or onnx.", "format");
            }

            string checkpoints = Path.Combine(runFolder, "checkpoints");
            string path = PathGuard.Inside(checkpoints, PathGuard.CheckpointFile(checkpointFile, "checkpoint"), "checkpoint");
            string exports = Path.Combine(runFolder, "exports");
            string target = PathGuard.Inside(exports, PathGuard.Name(name, "exportName"), "exportName");
            if (!File.Exists(path))
            {
                throw new PanelRequestException(404, $"{checkpointFile} is no longer in {checkpoints} (a run keeps only its newest checkpoints); choose another.", "checkpoint");
            }

            if (Directory.Exists(target))
            {
                throw new PanelRequestException(409, $"{target} already exists; choose another export name (exports are never overwritten).", "exportName");
            }

            Checkpoint checkpoint;
            try
            {
                checkpoint = Checkpoint.Read(path);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is FormatException || e is ModelConfigException)
            {
                throw new PanelRequestException(400, $"{checkpointFile} cannot be read: {e.Message}", "checkpoint");
            }

            Directory.CreateDirectory(exports);
            string partial = target + ".partial-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            try
            {
                DiffusionTrainer.ExportModel(checkpoint, partial);
                if (onnx)
                {
                    UNet2DOnnxExporter.Export(partial);
                }

                Directory.Move(partial, target);
            }
            finally
            {
                if (Directory.Exists(partial))
                {
                    Directory.Delete(partial, recursive: true);
                }
            }

            return target;
        }
    }
}
