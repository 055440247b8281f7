using System;
using System.Collections.Generic;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// The mean and covariance of a set of feature vectors, in double precision: the Gaussian a Fréchet distance
    /// compares. The covariance is the unbiased sample covariance (divided by N − 1), as FID implementations use.
    /// </summary>
    public sealed class GaussianStatistics
    {
        /// <summary>Wraps a mean of length d and a row-major d×d covariance (copied).</summary>
        public GaussianStatistics(IReadOnlyList<double> mean, IReadOnlyList<double> covariance, int count = 0)
        {
            int d = mean.Count;
            if (d == 0)
            {
                throw new ArgumentException("The mean is empty.", nameof(mean));
            }

            if (covariance.Count != d * d)
            {
                throw new ArgumentException($"A {d}-dimensional Gaussian needs a {d}x{d} covariance ({d * d} values), not {covariance.Count}.", nameof(covariance));
            }

            Mean = new double[d];
            Covariance = new double[d * d];
            for (int i = 0; i < d; i++)
            {
                Mean[i] = mean[i];
            }

            for (int i = 0; i < d * d; i++)
            {
                Covariance[i] = covariance[i];
            }

            Count = count;
        }

        /// <summary>Dimension d.</summary>
        public int Dimension => Mean.Length;

        /// <summary>Number of samples the statistics came from (0 when given directly).</summary>
        public int Count { get; }

        /// <summary>The mean (length d).</summary>
        public double[] Mean { get; }

        /// <summary>The covariance, row-major d×d.</summary>
        public double[] Covariance { get; }

        /// <summary>Mean and unbiased covariance of <paramref name="samples"/> (at least two vectors of one length).</summary>
        public static GaussianStatistics FromSamples(IReadOnlyList<float[]> samples)
        {
            if (samples.Count < 2)
            {
                throw new ArgumentException($"Statistics need at least two samples; got {samples.Count}.", nameof(samples));
            }

            int d = samples[0].Length;
            int n = samples.Count;
            var mean = new double[d];
            foreach (float[] s in samples)
            {
                if (s.Length != d)
                {
                    throw new ArgumentException($"Feature vectors differ in length ({d} and {s.Length}).", nameof(samples));
                }

                for (int i = 0; i < d; i++)
                {
                    mean[i] += s[i];
                }
            }

            for (int i = 0; i < d; i++)
            {
                mean[i] /= n;
            }

            var covariance = new double[d * d];
            var centred = new double[d];
            foreach (float[] s in samples)
            {
                for (int i = 0; i < d; i++)
                {
                    centred[i] = s[i] - mean[i];
                }

                for (int i = 0; i < d; i++)
                {
                    double ci = centred[i];
                    int row = i * d;
                    for (int j = i; j < d; j++)
                    {
                        covariance[row + j] += ci * centred[j];
                    }
                }
            }

            for (int i = 0; i < d; i++)
            {
                for (int j = i; j < d; j++)
                {
                    double v = covariance[(i * d) + j] / (n - 1);
                    covariance[(i * d) + j] = v;
                    covariance[(j * d) + i] = v;
                }
            }

            return new GaussianStatistics(mean, covariance, n);
        }
    }
}
