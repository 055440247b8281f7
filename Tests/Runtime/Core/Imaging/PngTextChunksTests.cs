using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Tests.Imaging
{
    public sealed class PngTextChunksTests
    {
        private static byte[] Png(IReadOnlyDictionary<string, string>? text = null)
        {
            var image = new RgbImage(2, 2, 3);
            return PngFile.Encode(image, text);
        }

        private static List<string> ChunkTypes(byte[] png)
        {
            var types = new List<string>();
            for (int offset = 8; offset + 12 <= png.Length; offset += 12 + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset)))
            {
                types.Add(Encoding.ASCII.GetString(png, offset + 4, 4));
            }

            return types;
        }

        [Theory]
        [InlineData("“curly quotes” — and an em dash")]
        [InlineData("苔むした石の床, top-down")]
        [InlineData("lava 🔥 tiles 🧱")]
        [InlineData("plain Latin-1: café, naïve, ±½")]
        public void AnyTextComesBackAsWritten(string prompt)
        {
            string recipe = prompt + "\nSteps: 20, Seed: 7";
            byte[] png = Png(new Dictionary<string, string> { ["parameters"] = recipe });
            Assert.Equal(recipe, PngTextChunks.Read(png)["parameters"]);
            bool latin1 = prompt.All(c => c <= '\u00FF');
            Assert.Contains(latin1 ? "tEXt" : "iTXt", ChunkTypes(png));
            Assert.DoesNotContain(latin1 ? "iTXt" : "tEXt", ChunkTypes(png));
        }

        [Fact]
        public void AnOverLongUnicodePromptComesBackWhole()
        {
            string prompt = string.Concat(Enumerable.Repeat("ひび割れた壁 “brick” 🧱 ", 4000));
            byte[] png = Png(new Dictionary<string, string> { ["parameters"] = prompt });
            Assert.Equal(prompt, PngTextChunks.Read(png)["parameters"]);
        }

        [Fact]
        public void AChunkWithABadCrcIsReportedAndSkipped()
        {
            byte[] png = Png(new Dictionary<string, string> { ["parameters"] = "wall\nSeed: 5", ["Software"] = "LiveDiffusion" });
            int at = Encoding.ASCII.GetString(png).IndexOf("wall", StringComparison.Ordinal);
            png[at] = (byte)'b';
            var warnings = new List<string>();
            IReadOnlyDictionary<string, string> text = PngTextChunks.Read(png, warnings.Add);
            Assert.False(text.ContainsKey("parameters"));
            Assert.Equal("LiveDiffusion", text["Software"]);
            Assert.Contains("fails its CRC check", Assert.Single(warnings));
        }

        [Fact]
        public void CompressedInternationalTextIsReadAndAnInflationBombIsSkipped()
        {
            byte[] Chunk(byte[] zlibText)
            {
                var data = new List<byte>(Encoding.ASCII.GetBytes("parameters")) { 0, 1, 0, 0, 0 };
                data.AddRange(zlibText);
                return data.ToArray();
            }

            byte[] Zlib(byte[] raw)
            {
                using var deflated = new MemoryStream();
                using (var deflate = new DeflateStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
                {
                    deflate.Write(raw, 0, raw.Length);
                }

                // zlib header 0x78 0x9C, the deflate data, and a 4-byte Adler-32 (not checked by the reader).
                return new byte[] { 0x78, 0x9C }.Concat(deflated.ToArray()).Concat(new byte[4]).ToArray();
            }

            string text = "ひび割れた壁\nSeed: 3";
            byte[] png = WithChunk(Png(), "iTXt", Chunk(Zlib(Encoding.UTF8.GetBytes(text))));
            Assert.Equal(text, PngTextChunks.Read(png)["parameters"]);

            byte[] bomb = WithChunk(Png(), "iTXt", Chunk(Zlib(new byte[PngTextChunks.MaxInflatedText + 1])));
            var warnings = new List<string>();
            Assert.Empty(PngTextChunks.Read(bomb, warnings.Add));
            Assert.Contains("is malformed", Assert.Single(warnings));
        }

        [Fact]
        public void AKeywordPngCannotHoldIsRefused()
        {
            Assert.Throws<ArgumentException>(() => Png(new Dictionary<string, string> { ["параметры"] = "x" }));
            Assert.Throws<ArgumentException>(() => Png(new Dictionary<string, string> { [new string('k', 80)] = "x" }));
        }

        /// <summary><paramref name="png"/> with one chunk of <paramref name="type"/> (and a correct CRC) inserted before IEND.</summary>
        private static byte[] WithChunk(byte[] png, string type, byte[] data)
        {
            int iend = png.Length - 12;
            var chunk = new byte[12 + data.Length];
            BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
            Encoding.ASCII.GetBytes(type, 0, 4, chunk, 4);
            data.CopyTo(chunk, 8);
            BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), System.IO.Hashing.Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
            return png.Take(iend).Concat(chunk).Concat(png.Skip(iend)).ToArray();
        }
    }
}
