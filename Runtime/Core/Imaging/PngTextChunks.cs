using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace LiveDiffusion.Imaging
{
    /// <summary>Reads and inserts PNG tEXt chunks (Latin-1 keyword and text, CRC-32 checked).</summary>
    public static class PngTextChunks
    {
        private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
        private static readonly uint[] CrcTable = BuildCrcTable();

        /// <summary>Returns <paramref name="png"/> with one tEXt chunk per entry inserted before IEND.</summary>
        public static byte[] Insert(byte[] png, IReadOnlyDictionary<string, string> text)
        {
            int iend = FindChunk(png, "IEND");
            using var output = new MemoryStream(png.Length + 256);
            output.Write(png, 0, iend);
            Encoding latin1 = Encoding.GetEncoding("ISO-8859-1");
            foreach (KeyValuePair<string, string> entry in text)
            {
                if (entry.Key.Length < 1 || entry.Key.Length > 79)
                {
                    throw new ArgumentException($"PNG text keyword '{entry.Key}' must be 1 to 79 characters.", nameof(text));
                }

                byte[] keyword = latin1.GetBytes(entry.Key);
                byte[] value = latin1.GetBytes(entry.Value);
                var data = new byte[keyword.Length + 1 + value.Length];
                keyword.CopyTo(data, 0);
                value.CopyTo(data, keyword.Length + 1);
                WriteChunk(output, "tEXt", data);
            }

            output.Write(png, iend, png.Length - iend);
            return output.ToArray();
        }

        /// <summary>Every tEXt chunk of <paramref name="png"/> (keyword → text; later chunks win).</summary>
        public static IReadOnlyDictionary<string, string> Read(byte[] png)
        {
            CheckSignature(png);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            Encoding latin1 = Encoding.GetEncoding("ISO-8859-1");
            int offset = 8;
            while (offset + 12 <= png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
                string type = Encoding.ASCII.GetString(png, offset + 4, 4);
                if (length < 0 || offset + 12 + length > png.Length)
                {
                    throw new InvalidDataException("PNG chunk runs past the end of the file.");
                }

                if (type == "tEXt")
                {
                    int separator = Array.IndexOf(png, (byte)0, offset + 8, length);
                    if (separator > 0)
                    {
                        string keyword = latin1.GetString(png, offset + 8, separator - offset - 8);
                        result[keyword] = latin1.GetString(png, separator + 1, offset + 8 + length - separator - 1);
                    }
                }

                if (type == "IEND")
                {
                    break;
                }

                offset += 12 + length;
            }

            return result;
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
