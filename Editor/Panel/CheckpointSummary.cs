using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// A checkpoint as the panel lists it: its file, step, smoothed loss and the sample grid of (or just before) its
    /// step. Read from the safetensors header only, so listing a run never loads its weights.
    /// </summary>
    /// <param name="File">The file name inside the run's <c>checkpoints/</c> folder.</param>
    /// <param name="Step">Optimisation steps completed.</param>
    /// <param name="Loss">Smoothed loss when it was written (null when unknown).</param>
    /// <param name="ElapsedSeconds">Training time up to it.</param>
    /// <param name="Bytes">File size.</param>
    /// <param name="Grid">The run's sample grid at the largest step not after <paramref name="Step"/>, or null.</param>
    /// <param name="GridStep">The step of <paramref name="Grid"/>.</param>
    public sealed record CheckpointSummary(string File, long Step, double? Loss, double ElapsedSeconds, long Bytes, string? Grid, long? GridStep)
    {
        private const int MaxHeaderBytes = 16 * 1024 * 1024;

        /// <summary>Reads the metadata of the checkpoint at <paramref name="path"/>; null when the file is not a whole checkpoint.</summary>
        public static CheckpointSummary? Read(string path)
        {
            try
            {
                using FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                Span<byte> prefix = stackalloc byte[8];
                stream.ReadExactly(prefix);
                long headerLength = BinaryPrimitives.ReadInt64LittleEndian(prefix);
                if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > stream.Length - 8)
                {
                    return null;
                }

                byte[] header = new byte[headerLength];
                stream.ReadExactly(header);
                using JsonDocument document = JsonDocument.Parse(header);
                if (!document.RootElement.TryGetProperty("__metadata__", out JsonElement metadata))
                {
                    return null;
                }

                string? Get(string key) => metadata.TryGetProperty(key, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (Get("format") != "livediffusion-checkpoint" || !long.TryParse(Get("step"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long step))
                {
                    return null;
                }

                double? loss = double.TryParse(Get("loss"), NumberStyles.Float, CultureInfo.InvariantCulture, out double l) && double.IsFinite(l) ? l : null;
                double elapsed = double.TryParse(Get("elapsed_seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out double e) ? e : 0;
                return new CheckpointSummary(Path.GetFileName(path), step, loss, elapsed, stream.Length, null, null);
            }
            catch (Exception e) when (e is IOException || e is JsonException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
