using System;
using System.IO;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Tests.Training
{
    /// <summary>A small synthetic image folder (two classes of striped and checkered tiles) plus bad files, in a temp folder.</summary>
    internal sealed class TinyDataset : IDisposable
    {
        public TinyDataset(int size = 16, int perClass = 6, bool withBadFiles = true)
        {
            Folder = Path.Combine(Path.GetTempPath(), "ld-data-" + Guid.NewGuid().ToString("N"));
            var random = new Random(5);
            foreach (string cls in new[] { "checks", "stripes" })
            {
                string dir = Path.Combine(Folder, cls);
                Directory.CreateDirectory(dir);
                for (int i = 0; i < perClass; i++)
                {
                    var image = new RgbImage(size, size, 3);
                    byte r = (byte)random.Next(256), g = (byte)random.Next(256), b = (byte)random.Next(256);
                    int period = 2 + random.Next(4);
                    for (int y = 0; y < size; y++)
                    {
                        for (int x = 0; x < size; x++)
                        {
                            bool on = cls == "checks" ? ((x / period) + (y / period)) % 2 == 0 : (x / period) % 2 == 0;
                            int p = ((y * size) + x) * 3;
                            image.Pixels[p] = on ? r : (byte)(255 - r);
                            image.Pixels[p + 1] = on ? g : (byte)(255 - g);
                            image.Pixels[p + 2] = on ? b : (byte)(255 - b);
                        }
                    }

                    PngFile.Write(Path.Combine(dir, $"{cls}-{i}.png"), image);
                }
            }

            if (withBadFiles)
            {
                string dir = Path.Combine(Folder, "checks");
                File.WriteAllBytes(Path.Combine(dir, "empty.png"), Array.Empty<byte>());
                File.WriteAllText(Path.Combine(dir, "notes.png"), "this is text, not an image");
                byte[] good = File.ReadAllBytes(Path.Combine(dir, "checks-0.png"));
                File.WriteAllBytes(Path.Combine(dir, "truncated.png"), good.AsSpan(0, good.Length / 3).ToArray());
                File.WriteAllText(Path.Combine(dir, "readme.txt"), "not an image extension: listed as skipped, not decoded");
            }
        }

        public string Folder { get; }

        public const int BadFiles = 4;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
