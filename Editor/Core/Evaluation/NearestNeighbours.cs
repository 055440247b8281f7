using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading.Tasks;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// The memorisation check: how close each image comes to its nearest neighbour in a reference set, in pixel space.
    /// Distance = Euclidean (L2) norm of the difference of the two images' pixel values in [0, 1] over every pixel and
    /// channel (for a 32×32 RGB image, sqrt of a sum over 3072 values; divide by sqrt(3072) ≈ 55.4 for an RMS per value).
    /// With <c>allOrientations</c> each query is also compared in its 7 other dihedral orientations (rotations by 90°,
    /// 180°, 270° and the mirror image of each), because training usually augments with flips and rotations and a
    /// memorised texture can come back turned.
    /// </summary>
    public static class NearestNeighbours
    {
        /// <summary>
        /// The 8 dihedral orientations of a square image given as interleaved row-major values: index r (0-3) is a
        /// rotation by r·90° counter-clockwise, index 4 + r the same after a left-right mirror. Index 0 is the image itself.
        /// </summary>
        public static float[][] Orientations(float[] image, int size, int channels)
        {
            if (image.Length != size * size * channels)
            {
                throw new ArgumentException($"{image.Length} values do not make a {size}x{size}x{channels} image.", nameof(image));
            }

            var result = new float[8][];
            for (int v = 0; v < 8; v++)
            {
                bool mirror = v >= 4;
                int rotations = v % 4;
                var target = new float[image.Length];
                for (int y = 0; y < size; y++)
                {
                    for (int x = 0; x < size; x++)
                    {
                        // Output (x, y) reads source (sx, sy): undo the rotation, then the mirror.
                        int sx = x, sy = y;
                        for (int r = 0; r < rotations; r++)
                        {
                            (sx, sy) = (size - 1 - sy, sx);
                        }

                        if (mirror)
                        {
                            sx = size - 1 - sx;
                        }

                        Array.Copy(image, ((sy * size) + sx) * channels, target, ((y * size) + x) * channels, channels);
                    }
                }

                result[v] = target;
            }

            return result;
        }

        /// <summary>
        /// For each query, the smallest L2 distance to any reference (all of one length; with
        /// <paramref name="allOrientations"/>, square images of <paramref name="size"/>×<paramref name="size"/>×<paramref name="channels"/>).
        /// </summary>
        public static double[] MinDistances(IReadOnlyList<float[]> queries, IReadOnlyList<float[]> references, int size, int channels, bool allOrientations)
        {
            if (references.Count == 0)
            {
                throw new ArgumentException("The reference set is empty.", nameof(references));
            }

            int length = references[0].Length;
            foreach (float[] r in references)
            {
                if (r.Length != length)
                {
                    throw new ArgumentException($"Reference images differ in size ({length} and {r.Length} values).", nameof(references));
                }
            }

            var result = new double[queries.Count];
            Parallel.For(0, queries.Count, q =>
            {
                float[] query = queries[q];
                if (query.Length != length)
                {
                    throw new ArgumentException($"Query image {q} has {query.Length} values, the references {length}.", nameof(queries));
                }

                float[][] variants = allOrientations ? Orientations(query, size, channels) : new[] { query };
                float best = float.PositiveInfinity;
                foreach (float[] variant in variants)
                {
                    foreach (float[] reference in references)
                    {
                        float d = TensorPrimitives.Distance<float>(variant, reference);
                        if (d < best)
                        {
                            best = d;
                        }
                    }
                }

                result[q] = best;
            });
            return result;
        }

        /// <summary><see cref="MinDistances(IReadOnlyList{float[]}, IReadOnlyList{float[]}, int, int, bool)"/> over images (converted with <see cref="EvaluationImages.ToUnitFloats"/>).</summary>
        public static double[] MinDistances(IReadOnlyList<RgbImage> queries, IReadOnlyList<RgbImage> references, bool allOrientations)
        {
            if (references.Count == 0 || queries.Count == 0)
            {
                return Array.Empty<double>();
            }

            RgbImage first = references[0];
            if (allOrientations && first.Width != first.Height)
            {
                throw new ArgumentException($"Orientations need square images; the references are {first.Width}x{first.Height}.", nameof(references));
            }

            var q = new float[queries.Count][];
            for (int i = 0; i < q.Length; i++)
            {
                q[i] = EvaluationImages.ToUnitFloats(queries[i]);
            }

            var r = new float[references.Count][];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = EvaluationImages.ToUnitFloats(references[i]);
            }

            return MinDistances(q, r, first.Width, first.Channels, allOrientations);
        }
    }
}
