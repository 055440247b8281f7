#nullable enable
using System;
using System.Collections.Generic;

namespace LiveDiffusion.Imaging
{
    /// <summary>Lays images out in a grid with a gap between them: sample grids and contact sheets.</summary>
    public static class ContactSheet
    {
        /// <summary>
        /// Composes <paramref name="images"/> (all the same size and channel count) into a grid with
        /// <paramref name="columns"/> columns (0: as square as possible), <paramref name="gap"/> pixels of
        /// <paramref name="background"/> between cells, each image scaled up by <paramref name="scale"/>.
        /// </summary>
        public static RgbImage Compose(IReadOnlyList<RgbImage> images, int columns = 0, int gap = 2, int scale = 1, byte background = 24)
        {
            if (images.Count == 0)
            {
                throw new ArgumentException("A contact sheet needs at least one image.", nameof(images));
            }

            RgbImage first = images[0];
            foreach (RgbImage image in images)
            {
                if (image.Width != first.Width || image.Height != first.Height || image.Channels != first.Channels)
                {
                    throw new ArgumentException("All images of a contact sheet must have the same size and channels.", nameof(images));
                }
            }

            if (columns <= 0)
            {
                columns = (int)Math.Ceiling(Math.Sqrt(images.Count));
            }

            int rows = (images.Count + columns - 1) / columns;
            int cellW = first.Width * scale;
            int cellH = first.Height * scale;
            var sheet = new RgbImage((columns * cellW) + ((columns + 1) * gap), (rows * cellH) + ((rows + 1) * gap), first.Channels);
            sheet.Pixels.AsSpan().Fill(background);
            if (first.Channels == 4)
            {
                for (int i = 3; i < sheet.Pixels.Length; i += 4)
                {
                    sheet.Pixels[i] = 255;
                }
            }

            for (int i = 0; i < images.Count; i++)
            {
                RgbImage cell = scale == 1 ? images[i] : images[i].ScaleNearest(scale);
                cell.CopyTo(sheet, gap + ((i % columns) * (cellW + gap)), gap + ((i / columns) * (cellH + gap)));
            }

            return sheet;
        }
    }
}
