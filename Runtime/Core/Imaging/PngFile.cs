#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using StbImageSharp;


namespace LiveDiffusion.Imaging
{
    /// <summary>PNG encoding and decoding (StbImageWriteSharp / StbImageSharp), with optional tEXt chunks.</summary>
    public static class PngFile
    {
        /// <summary>Encodes <paramref name="image"/> as PNG bytes, with one tEXt chunk per entry of <paramref name="text"/>.</summary>
        public static byte[] Encode(RgbImage image, IReadOnlyDictionary<string, string>? text = null)
        {
            var writer = new StbImageWriteSharp.ImageWriter();
            byte[] png;
            using (var stream = new MemoryStream())
            {
                writer.WritePng(image.Pixels, image.Width, image.Height, ToComponents(image.Channels), stream);
                png = stream.ToArray();
            }

            return text == null || text.Count == 0 ? png : PngTextChunks.Insert(png, text);
        }

        /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> (folders created, written atomically).</summary>
        public static void Write(string path, RgbImage image, IReadOnlyDictionary<string, string>? text = null) =>
            IO.AtomicFile.WriteAllBytes(path, Encode(image, text));

        /// <summary>Decodes PNG, JPEG, BMP, TGA (and the other formats stb_image reads) into 8-bit pixels with <paramref name="channels"/> channels (0: as stored).</summary>
        public static RgbImage Decode(byte[] bytes, int channels = 0)
        {
            StbImageSharp.ColorComponents requested = channels switch
            {
                0 => StbImageSharp.ColorComponents.Default,
                1 => StbImageSharp.ColorComponents.Grey,
                3 => StbImageSharp.ColorComponents.RedGreenBlue,
                4 => StbImageSharp.ColorComponents.RedGreenBlueAlpha,
                _ => throw new ArgumentOutOfRangeException(nameof(channels), "Ask for 0 (as stored), 1, 3 or 4 channels."),
            };
            ImageResult result = ImageResult.FromMemory(bytes, requested);
            int actual = result.Comp switch
            {
                ColorComponents.Grey => 1,
                ColorComponents.GreyAlpha => 2,
                ColorComponents.RedGreenBlue => 3,
                _ => 4,
            };
            if (actual == 2)
            {
                // Grey + alpha: expand to RGBA so every image has 1, 3 or 4 channels.
                var rgba = new byte[result.Width * result.Height * 4];
                for (int p = 0; p < result.Width * result.Height; p++)
                {
                    byte g = result.Data[p * 2];
                    rgba[p * 4] = rgba[(p * 4) + 1] = rgba[(p * 4) + 2] = g;
                    rgba[(p * 4) + 3] = result.Data[(p * 2) + 1];
                }

                return new RgbImage(result.Width, result.Height, 4, rgba);
            }

            return new RgbImage(result.Width, result.Height, actual, result.Data);
        }

        /// <summary>Reads and decodes an image file; the error names the file.</summary>
        public static RgbImage Read(string path, int channels = 0)
        {
            byte[] bytes = File.ReadAllBytes(path);
            try
            {
                return Decode(bytes, channels);
            }
            catch (Exception e) when (e is InvalidOperationException || e is ArgumentException || e is IndexOutOfRangeException || e is NullReferenceException)
            {
                throw new InvalidDataException($"{path} is not a readable image ({e.Message}).", e);
            }
        }

        private static StbImageWriteSharp.ColorComponents ToComponents(int channels) => channels switch
        {
            1 => StbImageWriteSharp.ColorComponents.Grey,
            3 => StbImageWriteSharp.ColorComponents.RedGreenBlue,
            4 => StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha,
            _ => throw new ArgumentOutOfRangeException(nameof(channels)),
        };
    }
}
