using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Hashing;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;
using SkiaSharp;

namespace LiveDiffusion.Cli.Benchmarks
{
    /// <summary>
    /// Reading a dataset that was scraped together: headers that claim 30000x30000 and more in PNG, JPEG and BMP,
    /// truncated and random files, an empty file, a 300 MiB file, formats not allowed by default, and decompression
    /// bombs inside the pixel budget (4096x4096 PNGs of a few kilobytes), beside ordinary images. The dataset is read as
    /// <c>train</c> reads it; the process's peak resident memory while it is read is the kernel's high-water mark,
    /// reset just before.
    /// </summary>
    internal static class HostileDatasetBenchmark
    {
        /// <summary>What reading the folder gave: images used, files skipped with their reasons, memory (MiB) and time.</summary>
        internal sealed record Result(int Loaded, IReadOnlyList<SkippedFile> Skipped, double ResidentBeforeMiB, double PeakMiB, double Seconds);

        /// <summary>Writes the hostile files, <paramref name="bombs"/> 4096x4096 PNGs and 16 ordinary 64x64 PNGs into <paramref name="folder"/>.</summary>
        public static void WriteFiles(string folder, int bombs)
        {
            Directory.CreateDirectory(folder);
            var random = new Random(3);
            for (int i = 0; i < 16; i++)
            {
                var pixels = new byte[64 * 64 * 3];
                random.NextBytes(pixels);
                PngFile.Write(Path.Combine(folder, $"ordinary-{i:D2}.png"), new RgbImage(64, 64, 3, pixels));
            }

            byte[] small = PngFile.Encode(new RgbImage(32, 32, 3));
            File.WriteAllBytes(Path.Combine(folder, "header-30000x30000.png"), WithPngSize(small, 30000, 30000));
            File.WriteAllBytes(Path.Combine(folder, "header-2147483647x1.png"), WithPngSize(small, int.MaxValue, 1));
            File.WriteAllBytes(Path.Combine(folder, "header-65500x65500.jpg"), JpegClaiming(65500, 65500));
            File.WriteAllBytes(Path.Combine(folder, "header-30000x30000.bmp"), BmpClaiming(30000, 30000));
            File.WriteAllBytes(Path.Combine(folder, "header-65535x65535.gif"), GifHeader(65535, 65535));
            byte[] ordinary = File.ReadAllBytes(Path.Combine(folder, "ordinary-00.png"));
            File.WriteAllBytes(Path.Combine(folder, "truncated.png"), ordinary.AsSpan(0, ordinary.Length / 2).ToArray());
            var noise = new byte[4096];
            random.NextBytes(noise);
            File.WriteAllBytes(Path.Combine(folder, "random-bytes.png"), noise);
            File.WriteAllBytes(Path.Combine(folder, "empty.png"), Array.Empty<byte>());
            using (var sparse = new FileStream(Path.Combine(folder, "300MiB.png"), FileMode.Create))
            {
                sparse.Write(ordinary);
                sparse.SetLength(300L << 20);
            }

            byte[] bomb = PngFile.Encode(new RgbImage(4096, 4096, 3));
            for (int i = 0; i < bombs; i++)
            {
                File.WriteAllBytes(Path.Combine(folder, $"bomb-4096x4096-{i}.png"), bomb);
            }

            File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        }

        /// <summary>Reads <paramref name="folder"/> as <c>train --size 32</c> does, measuring peak resident memory from a fresh high-water mark.</summary>
        public static Result Read(string folder)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            ResetPeakResident();
            double before = TorchBenchmarks.RssMiB();
            var clock = Stopwatch.StartNew();
            ImageFolderDataset dataset = ImageFolderDataset.Load(folder, new DatasetOptions { Size = 32 });
            double seconds = clock.Elapsed.TotalSeconds;
            return new Result(dataset.Count, dataset.Skipped, before, TorchBenchmarks.PeakRssMiB(), seconds);
        }

        /// <summary>Resets the kernel's peak-resident mark (VmHWM) to the current resident size (Linux 4.0 or newer; proc(5), clear_refs 5).</summary>
        private static void ResetPeakResident()
        {
            const string clearRefs = "/proc/self/clear_refs";
            if (File.Exists(clearRefs))
            {
                File.WriteAllText(clearRefs, "5");
            }
        }

        /// <summary>A copy of <paramref name="png"/> whose IHDR claims <paramref name="width"/>x<paramref name="height"/>, its CRC fixed.</summary>
        private static byte[] WithPngSize(byte[] png, int width, int height)
        {
            byte[] copy = (byte[])png.Clone();
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), width);
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), height);
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), Crc32.HashToUInt32(copy.AsSpan(12, 17)));
            return copy;
        }

        /// <summary>A real 16x16 baseline JPEG (encoded by Skia) whose frame header (SOF0) claims the size instead.</summary>
        private static byte[] JpegClaiming(ushort width, ushort height)
        {
            using var bitmap = new SKBitmap(16, 16);
            bitmap.Erase(SKColors.SlateGray);
            using SKData data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            byte[] jpeg = data.ToArray();
            for (int i = 2; i + 9 < jpeg.Length; i++)
            {
                if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), height);
                    BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), width);
                    return jpeg;
                }
            }

            throw new InvalidOperationException("Skia's JPEG has no baseline frame header.");
        }

        /// <summary>A complete 2x2 24-bit BMP (file header, info header, two padded rows) whose info header claims the size instead.</summary>
        private static byte[] BmpClaiming(int width, int height)
        {
            var bmp = new byte[54 + (2 * 8)];
            bmp[0] = (byte)'B';
            bmp[1] = (byte)'M';
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
            BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
            BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), 2 * 8);
            return bmp;
        }

        /// <summary>A GIF89a logical screen descriptor claiming the size, then the trailer.</summary>
        private static byte[] GifHeader(ushort width, ushort height) =>
            new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0, 0, 0x3B };
    }
}
