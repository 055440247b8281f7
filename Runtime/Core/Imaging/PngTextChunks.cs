#nullable enable
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace LiveDiffusion.Imaging
{
    /// <summary>
    /// Reads and inserts PNG text chunks: <c>tEXt</c> (Latin-1) for text Latin-1 can hold, <c>iTXt</c> (UTF-8) for any
    /// other, so a prompt with curly quotes, CJK or emoji comes back as written. Reading checks every chunk's CRC-32.
    /// </summary>
    public static class PngTextChunks
    {
        /// <summary>The most text one compressed iTXt chunk may inflate to (a bound on untrusted files): 1 MiB.</summary>
        public const int MaxInflatedText = 1 << 20;

        private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
        private static readonly uint[] CrcTable = BuildCrcTable();
        private static readonly Encoding Latin1 = Encoding.GetEncoding("ISO-8859-1");
        private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        /// <summary>
        /// Returns <paramref name="png"/> with one text chunk per entry inserted before IEND: tEXt when keyword and text
        /// are Latin-1, otherwise an uncompressed iTXt with the text in UTF-8.
        /// </summary>
        /// <exception cref="ArgumentException">A keyword is empty, longer than 79 characters, or not Latin-1 (PNG's rule for keywords).</exception>
        public static byte[] Insert(byte[] png, IReadOnlyDictionary<string, string> text)
        {
            int iend = FindChunk(png, "IEND");
            using var output = new MemoryStream(png.Length + 256);
            output.Write(png, 0, iend);
            foreach (KeyValuePair<string, string> entry in text)
            {
                if (entry.Key.Length < 1 || entry.Key.Length > 79 || !IsLatin1(entry.Key) || entry.Key.IndexOf('\0') >= 0)
                {
                    throw new ArgumentException($"PNG text keyword '{entry.Key}' must be 1 to 79 Latin-1 characters.", nameof(text));
                }

                byte[] keyword = Latin1.GetBytes(entry.Key);
                bool latin1 = IsLatin1(entry.Value) && entry.Value.IndexOf('\0') < 0;
                byte[] value = latin1 ? Latin1.GetBytes(entry.Value) : Utf8.GetBytes(entry.Value);
                // iTXt after the keyword's NUL: compression flag 0, method 0, empty language tag, empty translated keyword.
                byte[] between = latin1 ? new byte[] { 0 } : new byte[] { 0, 0, 0, 0, 0 };
                var data = new byte[keyword.Length + between.Length + value.Length];
                keyword.CopyTo(data, 0);
                between.CopyTo(data, keyword.Length);
                value.CopyTo(data, keyword.Length + between.Length);
                WriteChunk(output, latin1 ? "tEXt" : "iTXt", data);
            }

            output.Write(png, iend, png.Length - iend);
            return output.ToArray();
        }

        /// <summary>Every text chunk of <paramref name="png"/> (keyword → text; later chunks win); see <see cref="Read(byte[], Action{string})"/>.</summary>
        /// <exception cref="InvalidDataException">Not a PNG, or a chunk runs past the end of the file.</exception>
        public static IReadOnlyDictionary<string, string> Read(byte[] png) => Read(png, null);

        /// <summary>
        /// Every tEXt and iTXt chunk of <paramref name="png"/> (keyword → text; later chunks win). A text chunk whose CRC
        /// does not match, or whose contents are malformed, is skipped and reported to <paramref name="warn"/> in one line.
        /// </summary>
        /// <exception cref="InvalidDataException">Not a PNG, or a chunk runs past the end of the file.</exception>
        public static IReadOnlyDictionary<string, string> Read(byte[] png, Action<string>? warn)
        {
            CheckSignature(png);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            int offset = 8;
            while (offset + 12 <= png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
                string type = Encoding.ASCII.GetString(png, offset + 4, 4);
                if (length < 0 || (long)offset + 12 + length > png.Length)
                {
                    throw new InvalidDataException("PNG chunk runs past the end of the file.");
                }

                if (type == "tEXt" || type == "iTXt")
                {
                    ReadTextChunk(png, offset, length, type, result, warn);
                }

                if (type == "IEND")
                {
                    break;
                }

                offset += 12 + length;
            }

            return result;
        }

        private static void ReadTextChunk(byte[] png, int offset, int length, string type, Dictionary<string, string> result, Action<string>? warn)
        {
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            if ((Crc(png.AsSpan(offset + 4, 4 + length), 0xFFFFFFFFu) ^ 0xFFFFFFFFu) != stored)
            {
                warn?.Invoke($"a {type} chunk at byte {offset} fails its CRC check (the file was changed or damaged); it was skipped.");
                return;
            }

            ReadOnlySpan<byte> data = png.AsSpan(offset + 8, length);
            int separator = data.IndexOf((byte)0);
            if (separator < 1)
            {
                warn?.Invoke($"a {type} chunk at byte {offset} has no keyword; it was skipped.");
                return;
            }

            string keyword = Latin1.GetString(png, offset + 8, separator);
            string? text = type == "tEXt" ? Latin1.GetString(png, offset + 9 + separator, length - separator - 1) : InternationalText(data.Slice(separator + 1));
            if (text == null)
            {
                warn?.Invoke($"the iTXt chunk '{keyword}' at byte {offset} is malformed (bad layout, UTF-8 or compression, or over {MaxInflatedText} bytes); it was skipped.");
                return;
            }

            result[keyword] = text;
        }

        /// <summary>An iTXt chunk's text after its keyword, or null when malformed.</summary>
        private static string? InternationalText(ReadOnlySpan<byte> rest)
        {
            if (rest.Length < 2 || rest[1] != 0 || rest[0] > 1)
            {
                return null;
            }

            bool compressed = rest[0] == 1;
            rest = rest.Slice(2);
            for (int skip = 0; skip < 2; skip++)
            {
                int end = rest.IndexOf((byte)0);
                if (end < 0)
                {
                    return null;
                }

                rest = rest.Slice(end + 1);
            }

            try
            {
                return Utf8.GetString(compressed ? Inflate(rest.ToArray()) : rest.ToArray());
            }
            catch (Exception e) when (e is DecoderFallbackException || e is InvalidDataException)
            {
                return null;
            }
        }

        /// <summary>Inflates a zlib stream (2-byte header, deflate data, Adler-32) to at most <see cref="MaxInflatedText"/> bytes.</summary>
        private static byte[] Inflate(byte[] zlib)
        {
            if (zlib.Length < 6 || (zlib[0] & 0x0F) != 8 || ((zlib[0] << 8) | zlib[1]) % 31 != 0)
            {
                throw new InvalidDataException("not a zlib stream");
            }

            using var inflater = new DeflateStream(new MemoryStream(zlib, 2, zlib.Length - 6), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = inflater.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > MaxInflatedText)
                {
                    throw new InvalidDataException("inflates past the bound");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }

        private static bool IsLatin1(string text)
        {
            foreach (char c in text)
            {
                if (c > '\u00FF')
                {
                    return false;
                }
            }

            return true;
        }

        private static int FindChunk(byte[] png, string wanted)
        {
            CheckSignature(png);
            int offset = 8;
            while (offset + 12 <= png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
                if (Encoding.ASCII.GetString(png, offset + 4, 4) == wanted)
                {
                    return offset;
                }

                offset += 12 + length;
            }

            throw new InvalidDataException($"PNG has no {wanted} chunk.");
        }

        private static void CheckSignature(byte[] png)
        {
            if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(Signature))
            {
                throw new InvalidDataException("Not a PNG file (bad signature).");
            }
        }

        private static void WriteChunk(Stream output, string type, byte[] data)
        {
            var header = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
            Encoding.ASCII.GetBytes(type, 0, 4, header, 4);
            output.Write(header, 0, 8);
            output.Write(data, 0, data.Length);
            uint crc = Crc(header.AsSpan(4, 4), 0xFFFFFFFFu);
            crc = Crc(data, crc) ^ 0xFFFFFFFFu;
            var crcBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
            output.Write(crcBytes, 0, 4);
        }

        private static uint Crc(ReadOnlySpan<byte> bytes, uint crc)
        {
            foreach (byte b in bytes)
            {
                crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] BuildCrcTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
