using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>The real images a model is evaluated against: RGB, square, at the model's size, with class labels.</summary>
    public sealed class EvaluationData
    {
        /// <summary>Wraps images (RGB, all <c>size</c>×<c>size</c>) with their labels (all 0 when there are no classes).</summary>
        public EvaluationData(IReadOnlyList<RgbImage> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames, string source)
        {
            if (images.Count < 4)
            {
                throw new ArgumentException($"Evaluation needs at least 4 real images (two halves of two for the real-vs-real baseline); {source} has {images.Count}.", nameof(images));
            }

            if (labels.Count != images.Count)
            {
                throw new ArgumentException($"{labels.Count} labels for {images.Count} images.", nameof(labels));
            }

            int size = images[0].Width;
            foreach (RgbImage image in images)
            {
                if (image.Width != size || image.Height != size || image.Channels != 3)
                {
                    throw new ArgumentException($"Evaluation images must all be {size}x{size} RGB; found {image.Width}x{image.Height}x{image.Channels}.", nameof(images));
                }
            }

            Images = images;
            Labels = labels;
            ClassNames = classNames;
            Source = source;
        }

        /// <summary>The images.</summary>
        public IReadOnlyList<RgbImage> Images { get; }

        /// <summary>The class of each image (0 without classes).</summary>
        public IReadOnlyList<int> Labels { get; }

        /// <summary>Class names (empty without classes).</summary>
        public IReadOnlyList<string> ClassNames { get; }

        /// <summary>Where the images came from (for reports).</summary>
        public string Source { get; }

        /// <summary>Side length of the images.</summary>
        public int Size => Images[0].Width;

        /// <summary>
        /// The images of a training data set as the model sees them: resized so the shorter side is <paramref name="size"/>
        /// (the data set's own loading), then centre-cropped to <paramref name="size"/>×<paramref name="size"/> and made RGB.
        /// </summary>
        public static EvaluationData FromDataset(ImageFolderDataset dataset, int size)
        {
            if (dataset.Options.Size != size)
            {
                throw new ArgumentException($"The data set was loaded at {dataset.Options.Size} pixels; the model works at {size}. Load it with DatasetOptions.Size = {size}.", nameof(dataset));
            }

            var images = new RgbImage[dataset.Count];
            var labels = new int[dataset.Count];
            for (int i = 0; i < dataset.Count; i++)
            {
                images[i] = EvaluationImages.ToRgb(EvaluationImages.CenterCrop(dataset.Image(i), size));
                labels[i] = dataset.Label(i);
            }

            return new EvaluationData(images, labels, dataset.ClassNames, dataset.Folder);
        }

        /// <summary>Indices of the images of class <paramref name="label"/>.</summary>
        public int[] IndicesOf(int label) => Enumerable.Range(0, Images.Count).Where(i => Labels[i] == label).ToArray();
    }
}
