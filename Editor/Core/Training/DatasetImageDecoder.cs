using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using LiveDiffusion.Imaging;
using SkiaSharp;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// Decodes dataset images, which come from anywhere, with a bounded cost: the format is recognised from the
    /// file's first bytes, the header's size is checked against a pixel budget before any pixel is allocated, and only
    /// allowed formats are decoded. PNG, JPEG and BMP are allowed by default and decoded by Skia (SkiaSharp), whose
    /// decoders are fuzzed continuously upstream; GIF and WebP (Skia) and TGA, PSD and HDR (StbImageSharp, a
    /// translation of stb_image whose reported memory-safety bugs arrive as unsafe reads and writes) only when asked for.
    /// Every refusal is a <see cref="InvalidDataException"/> whose message is plain text naming the reason and the fix.
    /// </summary>
    public static class DatasetImageDecoder
    {
        /// <summary>The default pixel budget per image: 4096 x 4096 (64 MiB as RGBA; a texture dataset needs far less).</summary>
        public const long DefaultMaxPixels = 4096L * 4096;

        /// <summary>Formats decoded by default.</summary>
        public static readonly IReadOnlyList<string> DefaultFormats = new[] { "png", "jpeg", "bmp" };

        /// <summary>Formats decoded only when named in the allowed set (<c>--allow-formats</c>).</summary>
        public static readonly IReadOnlyList<string> OptInFormats = new[] { "gif", "webp", "tga", "psd", "hdr" };

        /// <summary>File extensions that hold images of some format above, lower case with the dot.</summary>
        public static readonly IReadOnlyCollection<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tga", ".psd", ".hdr",
        };

        /// <summary>
        /// The format of <paramref name="bytes"/> from its signature (<c>png</c>, <c>jpeg</c>, <c>bmp</c>, <c>gif</c>,
        /// <c>webp</c>, <c>psd</c>, <c>hdr</c>), else <c>tga</c> when <paramref name="extension"/> says so (TGA has no
        /// signature), else null.
        /// </summary>
        public static string? FormatOf(ReadOnlySpan<byte> bytes, string extension)
        {
            static bool Starts(ReadOnlySpan<byte> b, params byte[] s) => b.Length >= s.Length && b.Slice(0, s.Length).SequenceEqual(s);
            if (Starts(bytes, 0x89, (byte)'P', (byte)'N', (byte)'G')) return "png";
            if (Starts(bytes, 0xFF, 0xD8, 0xFF)) return "jpeg";
            if (Starts(bytes, (byte)'B', (byte)'M')) return "bmp";
            if (Starts(bytes, (byte)'G', (byte)'I', (byte)'F', (byte)'8')) return "gif";
            if (Starts(bytes, (byte)'8', (byte)'B', (byte)'P', (byte)'S')) return "psd";
            if (Starts(bytes, (byte)'#', (byte)'?')) return "hdr";
            if (bytes.Length >= 12 && Starts(bytes, (byte)'R', (byte)'I', (byte)'F', (byte)'F') && Starts(bytes.Slice(8), (byte)'W', (byte)'E', (byte)'B', (byte)'P')) return "webp";
            return string.Equals(extension, ".tga", StringComparison.OrdinalIgnoreCase) ? "tga" : null;
        }

        /// <summary>
        /// Decodes <paramref name="bytes"/> (a file with <paramref name="extension"/>) if its format is in
        /// <paramref name="allowed"/> and its size within <paramref name="maxPixels"/>: grey, RGB or RGBA, 8 bits.
        /// </summary>
        /// <exception cref="InvalidDataException">Refused or undecodable; the message says why and what to do.</exception>
        public static RgbImage Decode(byte[] bytes, string extension, IReadOnlyCollection<string> allowed, long maxPixels = DefaultMaxPixels)
        {
            string? format = FormatOf(bytes, extension);
            if (format == null)
            {
                throw new InvalidDataException($"not an image in a format read here (its first bytes match none of {string.Join(", ", DefaultFormats.Concat(OptInFormats))})");
            }

            if (!allowed.Contains(format))
            {
                throw new InvalidDataException($"{format.ToUpperInvariant()} images are not decoded by default; allow them with --allow-formats {format}");
            }

            return format == "tga" || format == "psd" || format == "hdr" ? DecodeWithStb(bytes, format, maxPixels) : DecodeWithSkia(bytes, format, maxPixels);
        }

        private static RgbImage DecodeWithSkia(byte[] bytes, string format, long maxPixels)
        {
            using SKData data = SKData.CreateCopy(bytes);
            using SKCodec? codec = SKCodec.Create(data);
            if (codec == null)
            {
                throw new InvalidDataException($"a corrupt or truncated {format.ToUpperInvariant()} (its header cannot be read)");
            }

            CheckBudget(codec.Info.Width, codec.Info.Height, maxPixels);
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            var pixels = new byte[info.BytesSize];
            SKCodecResult result;
            GCHandle pinned = GCHandle.Alloc(pixels, GCHandleType.Pinned);
            try
            {
                result = codec.GetPixels(info, pinned.AddrOfPinnedObject());
            }
            finally
            {
                pinned.Free();
            }

            if (result != SKCodecResult.Success)
            {
                throw new InvalidDataException(result == SKCodecResult.IncompleteInput
                    ? $"a truncated {format.ToUpperInvariant()} (the data ends before the last row)"
                    : $"a corrupt {format.ToUpperInvariant()} (the decoder reports {result})");
            }

            return new RgbImage(info.Width, info.Height, 4, pixels);
        }

        private static RgbImage DecodeWithStb(byte[] bytes, string format, long maxPixels)
        {
            StbImageSharp.ImageInfo? header;
            using (var stream = new MemoryStream(bytes, writable: false))
            {
                header = StbImageSharp.ImageInfo.FromStream(stream);
            }

            if (header == null)
            {
                throw new InvalidDataException($"a corrupt or truncated {format.ToUpperInvariant()} (its header cannot be read)");
            }

            CheckBudget(header.Value.Width, header.Value.Height, maxPixels);
            try
            {
                return PngFile.Decode(bytes);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is IndexOutOfRangeException || e is NullReferenceException)
            {
                throw new InvalidDataException($"a corrupt or truncated {format.ToUpperInvariant()} ({Printable(e.Message)})", e);
            }
        }

        private static void CheckBudget(int width, int height, long maxPixels)
        {
            if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
            {
                throw new InvalidDataException($"{width}x{height} is over the pixel budget of {maxPixels:N0} pixels per image (--max-pixels)");
            }
        }

        /// <summary>A decoder's message without control characters, or a plain reason when nothing printable is left.</summary>
        private static string Printable(string message)
        {
            string text = new string(message.Where(c => !char.IsControl(c)).ToArray()).Trim();
            return text.Length > 0 ? text : "no reason given";
        }
    }
}
