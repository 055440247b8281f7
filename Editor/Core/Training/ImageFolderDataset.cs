using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// A folder of images (PNG, JPEG and BMP by default, others when allowed: see <see cref="DatasetImageDecoder"/>;
    /// grey, RGB or RGBA), decoded once and kept in memory at the training size (shorter side resized to
    /// <see cref="DatasetOptions.Size"/>), so a batch costs a crop, flips and a copy. Files that are not used (other
    /// formats, over the pixel budget or <see cref="MaxFileBytes"/>, corrupt, truncated, empty) are skipped and listed in
    /// <see cref="Skipped"/> with a plain-text reason; loading never fails because of one bad file.
    /// With <see cref="DatasetOptions.ClassConditional"/>, each immediate subfolder is a class (sorted by name).
    /// </summary>
    public sealed class ImageFolderDataset
    {
        /// <summary>The largest file read as an image; larger files are skipped unread.</summary>
        public const long MaxFileBytes = 256L * 1024 * 1024;

        private readonly List<RgbImage> _images;
        private readonly List<int> _labels;
        private readonly bool[]? _orientByClass;

        private ImageFolderDataset(string folder, DatasetOptions options, List<RgbImage> images, List<int> labels, List<string> files, IReadOnlyList<string> classNames, IReadOnlyList<SkippedFile> skipped, string fingerprint)
        {
            Folder = folder;
            Options = options;
            _images = images;
            _labels = labels;
            Files = files;
            ClassNames = classNames;
            Skipped = skipped;
            Fingerprint = fingerprint;
            _orientByClass = options.OrientationClasses == null ? null : classNames.Select(options.OrientationClasses.Contains).ToArray();
        }

        /// <summary>The folder the images came from.</summary>
        public string Folder { get; }

        /// <summary>How samples are made.</summary>
        public DatasetOptions Options { get; }

        /// <summary>Number of usable images.</summary>
        public int Count => _images.Count;

        /// <summary>Paths of the usable images, relative to <see cref="Folder"/>.</summary>
        public IReadOnlyList<string> Files { get; }

        /// <summary>Class names (subfolder names) when class-conditional; empty otherwise.</summary>
        public IReadOnlyList<string> ClassNames { get; }

        /// <summary>Files that were skipped, with the reason.</summary>
        public IReadOnlyList<SkippedFile> Skipped { get; }

        /// <summary>SHA-256 over the used files' relative paths and bytes plus the options: a checkpoint records it so a resume can tell when the data changed.</summary>
        public string Fingerprint { get; }

        /// <summary>The class label of image <paramref name="index"/> (0 when unconditional).</summary>
        public int Label(int index) => _labels[index];

        /// <summary>The decoded (resized, not cropped) image <paramref name="index"/>.</summary>
        public RgbImage Image(int index) => _images[index];

        /// <summary>How many images each class has.</summary>
        public IReadOnlyList<int> ClassCounts => ClassNames.Count == 0
            ? new[] { Count }
            : Enumerable.Range(0, ClassNames.Count).Select(c => _labels.Count(l => l == c)).ToArray();

        /// <summary>
        /// Bytes of full-size decoded pixels after which reading collects garbage: each image is decoded at full size,
        /// then resized to the training size, so a folder of large images leaves that much garbage per image. Collecting
        /// after every 64 MiB (one 4096x4096 image) keeps the peak while such a dataset is read near 230 MiB, where the
        /// runtime's own budget let it reach 680 MiB (`livediffusion bench dataset`); a folder of small images collects once
        /// per 64 MiB read, which costs little beside decoding them.
        /// </summary>
        internal const long CollectAfterDecodedBytes = 64L << 20;

        /// <summary>Loads every image under <paramref name="folder"/> (recursively).</summary>
        /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
        /// <exception cref="InvalidDataException">No usable image was found (the message says what was skipped).</exception>
        /// <exception cref="DatasetOptionException">An option does not fit this folder (e.g. rotation classes it does not have).</exception>
        public static ImageFolderDataset Load(string folder, DatasetOptions options)
        {
            string root = Path.GetFullPath(folder);
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"Dataset folder not found: {root}. Pass --data <folder of images>.");
            }

            var classNames = new List<string>();
            var sources = new List<(string Path, int Label)>();
            if (options.ClassConditional)
            {
                foreach (string sub in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
                {
                    string[] files = ImageFilesUnder(sub);
                    if (!files.Any(f => DatasetImageDecoder.Extensions.Contains(Path.GetExtension(f))))
                    {
                        continue; // no images: not a class
                    }

                    foreach (string file in files)
                    {
                        sources.Add((file, classNames.Count));
                    }

                    classNames.Add(Path.GetFileName(sub));
                }

                if (classNames.Count < 2)
                {
                    throw new InvalidDataException($"{root}: a class-conditional dataset needs one subfolder of images per class (at least two); found {classNames.Count}. Put each class in its own subfolder or train unconditionally.");
                }
            }
            else
            {
                sources.AddRange(ImageFilesUnder(root).Select(f => (f, 0)));
            }

            if (options.OrientationClasses != null)
            {
                if (!options.ClassConditional)
                {
                    throw new DatasetOptionException(nameof(DatasetOptions.OrientationClasses), $"{root}: rotating only some classes needs a class-conditional dataset (one subfolder per class); to rotate every image, name no classes.");
                }

                string? unknown = options.OrientationClasses.FirstOrDefault(n => !classNames.Contains(n, StringComparer.Ordinal));
                if (unknown != null)
                {
                    throw new DatasetOptionException(nameof(DatasetOptions.OrientationClasses), $"{root}: the classes to rotate name '{unknown}', which is not a class here; the classes (subfolders) are {string.Join(", ", classNames)}.");
                }
            }

            var images = new List<RgbImage>();
            long decodedSinceCollection = 0;
            var labels = new List<int>();
            var used = new List<string>();
            var skipped = new List<SkippedFile>();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes($"size={options.Size};alpha={options.Alpha};bg={options.Background};classes={string.Join(",", classNames)}\n"));
            foreach ((string path, int label) in sources)
            {
                string relative = Path.GetRelativePath(root, path);
                if (!DatasetImageDecoder.Extensions.Contains(Path.GetExtension(path)))
                {
                    skipped.Add(new SkippedFile(relative, $"not an image file ({Path.GetExtension(path)}); images here are {string.Join(", ", DatasetImageDecoder.Extensions.OrderBy(e => e))}"));
                    continue;
                }

                byte[] bytes;
                try
                {
                    long length = new FileInfo(path).Length;
                    if (length > MaxFileBytes)
                    {
                        skipped.Add(new SkippedFile(relative, $"{length:N0} bytes, over the {MaxFileBytes:N0} an image file may have"));
                        continue;
                    }

                    bytes = File.ReadAllBytes(path);
                }
                catch (IOException e)
                {
                    skipped.Add(new SkippedFile(relative, "unreadable: " + e.Message));
                    continue;
                }
                catch (UnauthorizedAccessException e)
                {
                    skipped.Add(new SkippedFile(relative, "no permission: " + e.Message));
                    continue;
                }

                if (bytes.Length == 0)
                {
                    skipped.Add(new SkippedFile(relative, "empty file"));
                    continue;
                }

                RgbImage decoded;
                try
                {
                    decoded = DatasetImageDecoder.Decode(bytes, Path.GetExtension(path), options.AllowedFormats, options.MaxPixels);
                }
                catch (InvalidDataException e)
                {
                    skipped.Add(new SkippedFile(relative, e.Message));
                    continue;
                }

                images.Add(Prepare(decoded, options));
                decodedSinceCollection += decoded.Pixels.LongLength;
                if (decodedSinceCollection >= CollectAfterDecodedBytes)
                {
                    // Full-size decodes are garbage once resized; collect rather than let the runtime's budget pile them up.
                    GC.Collect();
                    decodedSinceCollection = 0;
                }

                labels.Add(label);
                used.Add(relative);
                hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n"));
                hash.AppendData(bytes);
            }

            if (images.Count == 0)
            {
                throw new InvalidDataException($"{root}: no usable images ({sources.Count} candidate files, {skipped.Count} skipped"
                    + (skipped.Count > 0 ? $"; first: {skipped[0].Path}: {skipped[0].Reason}" : string.Empty)
                    + $"). Formats read: {string.Join(", ", options.AllowedFormats)} (others with --allow-formats: {string.Join(", ", DatasetImageDecoder.OptInFormats)}).");
            }

            return new ImageFolderDataset(root, options, images, labels, used, classNames, skipped, Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant());
        }

        /// <summary>
        /// Writes the samples for <paramref name="indices"/> into <paramref name="destination"/> (NCHW floats in
        /// [-1, 1]) with crops and augmentation drawn from <paramref name="random"/>, and their labels into
        /// <paramref name="labels"/>.
        /// </summary>
        public void FillBatch(ReadOnlySpan<int> indices, NoiseGenerator random, Span<float> destination, Span<long> labels)
        {
            int size = Options.Size;
            int channels = Options.Channels;
            int itemLength = channels * size * size;
            if (destination.Length != indices.Length * itemLength)
            {
                throw new ArgumentException($"Destination holds {destination.Length} floats; {indices.Length} samples need {indices.Length * itemLength}.", nameof(destination));
            }

            for (int b = 0; b < indices.Length; b++)
            {
                RgbImage image = _images[indices[b]];
                labels[b] = _labels[indices[b]];
                int maxX = image.Width - size;
                int maxY = image.Height - size;
                int x0 = Options.RandomCrop ? (int)(random.NextDouble() * (maxX + 1)) : maxX / 2;
                int y0 = Options.RandomCrop ? (int)(random.NextDouble() * (maxY + 1)) : maxY / 2;
                bool flipX = Options.FlipHorizontal && random.NextDouble() < 0.5;
                bool orient = _orientByClass == null || _orientByClass[_labels[indices[b]]];
                bool flipY = Options.FlipVertical && orient && random.NextDouble() < 0.5;
                int rotations = Options.Rotate90 && orient ? (int)(random.NextDouble() * 4) : 0;
                Span<float> item = destination.Slice(b * itemLength, itemLength);
                for (int y = 0; y < size; y++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        // Output (x, y) reads the source through rotation, then flips.
                        int sx = x, sy = y;
                        for (int r = 0; r < rotations; r++)
                        {
                            (sx, sy) = (sy, size - 1 - sx);
                        }

                        if (flipX)
                        {
                            sx = size - 1 - sx;
                        }

                        if (flipY)
                        {
                            sy = size - 1 - sy;
                        }

                        int source = (((y0 + sy) * image.Width) + x0 + sx) * channels;
                        for (int c = 0; c < channels; c++)
                        {
                            item[(c * size * size) + (y * size) + x] = (image.Pixels[source + c] / 127.5f) - 1f;
                        }
                    }
                }
            }
        }

        /// <summary>Every file under <paramref name="folder"/> (the ones that are not images are listed as skipped).</summary>
        private static string[] ImageFilesUnder(string folder) =>
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();

        private static RgbImage Prepare(RgbImage image, DatasetOptions options)
        {
            (byte r, byte g, byte b) = options.Background;
            RgbImage colour = image.ToChannels(options.Channels, r, g, b);
            int shorter = Math.Min(colour.Width, colour.Height);
            if (shorter == options.Size)
            {
                return colour;
            }

            double scale = options.Size / (double)shorter;
            int width = Math.Max(options.Size, (int)Math.Round(colour.Width * scale));
            int height = Math.Max(options.Size, (int)Math.Round(colour.Height * scale));
            return Resize.Area(colour, width, height);
        }
    }
}
