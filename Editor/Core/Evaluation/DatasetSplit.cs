using System;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>Seeded random splits of a data set, for the real-versus-real baselines.</summary>
    public static class DatasetSplit
    {
        /// <summary>
        /// Splits indices 0..count−1 into two disjoint halves (the first gets ⌊count/2⌋) by a Fisher–Yates shuffle
        /// driven by <see cref="NoiseGenerator"/> seeded with <paramref name="seed"/>: the same seed gives the same
        /// halves on every machine. Each half is returned in ascending order.
        /// </summary>
        public static (int[] First, int[] Second) Halves(int count, ulong seed)
        {
            if (count < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"Splitting needs at least two items; got {count}.");
            }

            int[] order = Permutation(count, seed);
            int half = count / 2;
            int[] first = order[..half];
            int[] second = order[half..];
            Array.Sort(first);
            Array.Sort(second);
            return (first, second);
        }

        /// <summary>A seeded uniform random permutation of 0..count−1.</summary>
        public static int[] Permutation(int count, ulong seed)
        {
            var order = new int[count];
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            var random = new NoiseGenerator(seed);
            for (int i = count - 1; i > 0; i--)
            {
                int j = (int)(random.NextDouble() * (i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }

            return order;
        }
    }
}
