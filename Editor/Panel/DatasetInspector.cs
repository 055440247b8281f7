using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Training;
using StbImageSharp;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>Reads a dataset folder the way training will (same decoder, same skips) and reports what it found.</summary>
    internal static class DatasetInspector
    {
        /// <summary>Loads <paramref name="folder"/> with <paramref name="options"/> and reports counts, sizes, classes and unusable files.</summary>
        /// <exception cref="PanelRequestException">The folder is missing, outside the data root, or has no usable image (the message says which and why).</exception>
        public static (DatasetReport Report, ImageFolderDataset Dataset) Inspect(string dataRoot, string? folder, DatasetOptions options)
        {
            string full = PathGuard.Inside(dataRoot, folder, "dataset");
            if (!Directory.Exists(full))
            {
                throw new PanelRequestException(400, $"No folder at {full}: choose an existing folder of images inside {Path.GetFullPath(dataRoot)}.", "dataset");
            }

            ImageFolderDataset dataset;
            try
            {
                dataset = ImageFolderDataset.Load(full, options);
            }
            catch (DatasetOptionException e) when (e.Option == nameof(DatasetOptions.OrientationClasses))
            {
                throw new PanelRequestException(400, e.Message, "rotate90Classes");
            }
            catch (InvalidDataException e)
            {
                throw new PanelRequestException(400, e.Message, "dataset");
            }
            catch (UnauthorizedAccessException e)
            {
                throw new PanelRequestException(400, $"{full} cannot be read: {e.Message}", "dataset");
            }

            var sizes = new Dictionary<(int, int), int>();
            foreach (string relative in dataset.Files)
            {
                (int w, int h) = HeaderSize(Path.Combine(dataset.Folder, relative));
                sizes[(w, h)] = sizes.TryGetValue((w, h), out int n) ? n + 1 : 1;
            }

            var classes = dataset.ClassNames.Count == 0
                ? new[] { new DatasetClass(string.Empty, dataset.Count) }
                : dataset.ClassNames.Zip(dataset.ClassCounts, (name, count) => new DatasetClass(name, count)).ToArray();
            var sizeCounts = sizes.Select(kv => new ImageSizeCount(kv.Key.Item1, kv.Key.Item2, kv.Value))
                .OrderByDescending(s => s.Images).ThenBy(s => s.Width).ThenBy(s => s.Height).ToArray();
            var warnings = new List<string>();
            int smaller = sizeCounts.Where(s => s.Width > 0 && Math.Min(s.Width, s.Height) < options.Size).Sum(s => s.Images);
            if (smaller > 0)
            {
                warnings.Add($"{smaller} image(s) are smaller than {options.Size} px on their shorter side and will be upscaled.");
            }

            int nonSquare = sizeCounts.Where(s => s.Width != s.Height).Sum(s => s.Images);
            if (nonSquare > 0)
            {
                warnings.Add($"{nonSquare} image(s) are not square and will be {(options.RandomCrop ? "randomly" : "centre")}-cropped to {options.Size}x{options.Size}.");
            }

            if (dataset.Count < 8)
            {
                warnings.Add($"Only {dataset.Count} usable image(s): the model will memorise them.");
            }

            var skipped = dataset.Skipped.Select(f => new SkippedFile(f.Path, Printable(f.Reason))).ToArray();
            return (new DatasetReport(dataset.Folder, dataset.Count, classes, sizeCounts, skipped, warnings), dataset);
        }

        /// <summary>Decoder messages can quote raw file bytes: keep printable ASCII only.</summary>
        private static string Printable(string reason)
        {
            var text = new System.Text.StringBuilder(reason.Length);
            foreach (char c in reason)
            {
                if (c >= ' ' && c < (char)0x7F)
                {
                    text.Append(c);
                }
            }

            return text.ToString().TrimEnd(' ', ':');
        }

        private static (int Width, int Height) HeaderSize(string path)
        {
            try
            {
                using FileStream stream = File.OpenRead(path);
                ImageInfo? info = ImageInfo.FromStream(stream);
                return info.HasValue ? (info.Value.Width, info.Value.Height) : (0, 0);
            }
            catch (IOException)
            {
                return (0, 0);
            }
        }
    }
}
