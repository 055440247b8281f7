using System;
using System.IO;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Exports a checkpoint of a run to <c>&lt;run&gt;/exports/&lt;name&gt;/</c>: a model folder in diffusers' layout
    /// (<c>model_index.json</c>, <c>unet/</c>, <c>scheduler/</c>) from the checkpoint's EMA weights, which
    /// <c>livediffusion generate --model</c> and the runtime load. An existing export is never overwritten.
    /// </summary>
    internal static class PanelExports
    {
        /// <summary>Why ONNX export is not offered in this build (null when it is).</summary>
        public const string OnnxUnavailableReason = "ONNX export is not part of this build yet: export a model folder here; the folder is what an ONNX exporter reads.";

        /// <summary>Writes the model folder and returns its path.</summary>
        /// <exception cref="PanelRequestException">Bad names (400), no such checkpoint (404), the export exists (409), unsupported format (501).</exception>
        public static string Export(string runFolder, string? checkpointFile, string? name, string? format)
        {
            if (format == "onnx")
            {
                throw new PanelRequestException(501, OnnxUnavailableReason, "format");
            }

            if (!string.IsNullOrEmpty(format) && format != "folder")
            {
                throw new PanelRequestException(400, $"Export format '{format}': use folder.", "format");
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
