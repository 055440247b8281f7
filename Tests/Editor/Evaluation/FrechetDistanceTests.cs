using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Evaluation;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class FrechetDistanceTests
    {
        /// <summary>n samples of N(mean, A·Aᵀ) with A a fixed random mixing matrix (correlated features).</summary>
        private static List<float[]> Correlated(int n, int d, ulong seed, double shift = 0)
        {
            var random = new NoiseGenerator(seed);
            var mixing = new double[d, d];
            var mixRandom = new NoiseGenerator(1234);
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    mixing[i, j] = mixRandom.NextGaussian() / Math.Sqrt(d);
                }
            }

            var samples = new List<float[]>();
            var z = new double[d];
            for (int s = 0; s < n; s++)
            {
                for (int i = 0; i < d; i++)
                {
                    z[i] = random.NextGaussian();
                }

                var x = new float[d];
                for (int i = 0; i < d; i++)
                {
                    double v = shift + i * 0.1;
                    for (int j = 0; j < d; j++)
                    {
                        v += mixing[i, j] * z[j];
                    }

                    x[i] = (float)v;
                }

                samples.Add(x);
            }

            return samples;
        }

        private static GaussianStatistics Diagonal(double[] mean, double[] variance)
        {
            int d = mean.Length;
            var covariance = new double[d * d];
            for (int i = 0; i < d; i++)
            {
                covariance[(i * d) + i] = variance[i];
            }

            return new GaussianStatistics(mean, covariance);
        }

        [Fact]
        public void IdenticalSetsAreAtDistanceZero()
        {
            List<float[]> a = Correlated(300, 16, 1);
            GaussianStatistics stats = GaussianStatistics.FromSamples(a);
            double trace = Enumerable.Range(0, 16).Sum(i => stats.Covariance[(i * 16) + i]);
            Assert.True(trace > 1, "the test data has spread");
            Assert.True(FrechetDistance.Between(a, a) < 1e-9 * trace);

            // Fewer samples than dimensions: a singular covariance whose zero eigenvalues come out as ±rounding noise.
            List<float[]> few = Correlated(10, 32, 2);
            Assert.True(FrechetDistance.Between(few, few) < 1e-6);

            // A different draw from the same distribution is not at zero: the statistic sees sampling noise.
            Assert.True(FrechetDistance.Between(a, Correlated(300, 16, 3)) > 1e-3);
        }

        [Fact]
        public void DiagonalGaussiansGiveTheClosedForm()
        {
            // For commuting (here diagonal) covariances tr((C1 C2)^½) = Σ σ1σ2, so FD = |μ1 − μ2|² + Σ (σ1 − σ2)².
            double[] mu1 = { 0, 1, 2, 3 }, mu2 = { 1, 1, 0, 3.5 };
            double[] s1 = { 1, 2, 0.5, 1 }, s2 = { 2, 1, 0.5, 3 };
            double expected = mu1.Zip(mu2, (a, b) => (a - b) * (a - b)).Sum() + s1.Zip(s2, (a, b) => (a - b) * (a - b)).Sum();
            Assert.Equal(11.25, expected, 12);

            double exact = FrechetDistance.Compute(Diagonal(mu1, s1.Select(s => s * s).ToArray()), Diagonal(mu2, s2.Select(s => s * s).ToArray()));
            Assert.Equal(expected, exact, 9);

            // Its parts: |μ1 − μ2|² = 1 + 0 + 4 + 0.25, tr(C1) = 1 + 4 + 0.25 + 1, tr(C2) = 4 + 1 + 0.25 + 9.
            FrechetParts parts = FrechetDistance.Decompose(Diagonal(mu1, s1.Select(s => s * s).ToArray()), Diagonal(mu2, s2.Select(s => s * s).ToArray()));
            Assert.Equal(exact, parts.Distance, 12);
            Assert.Equal(5.25, parts.MeanTerm, 12);
            Assert.Equal((6.25, 14.25), (parts.TraceA, parts.TraceB));
            Assert.Equal(6.25 / 14.25, parts.SpreadRatio, 12);

            // The same from samples: 20000 draws each; sampling error of the statistics is about 1%.
            var random = new NoiseGenerator(7);
            List<float[]> Draw(double[] mu, double[] s) => Enumerable.Range(0, 20000)
                .Select(_ => mu.Select((m, i) => (float)(m + (s[i] * random.NextGaussian()))).ToArray()).ToList();
            double sampled = FrechetDistance.Between(Draw(mu1, s1), Draw(mu2, s2));
            Assert.InRange(sampled, expected * 0.97, expected * 1.03);
        }

        [Fact]
        public void NonCommutingCovariancesGiveTheTwoByTwoClosedForm()
        {
            // For 2x2 positive definite M, tr(M^½) = sqrt(tr M + 2 sqrt(det M)); with M = C1^½ C2 C1^½,
            // tr M = tr(C1 C2) and det M = det C1 · det C2. C1 and C2 below do not commute.
            double[] c1 = { 2, 1, 1, 2 };
            double[] c2 = { 1, 0, 0, 3 };
            double trC1C2 = (c1[0] * c2[0]) + (c1[1] * c2[2]) + (c1[2] * c2[1]) + (c1[3] * c2[3]);
            double det = ((c1[0] * c1[3]) - (c1[1] * c1[2])) * ((c2[0] * c2[3]) - (c2[1] * c2[2]));
            double expectedTrace = Math.Sqrt(trC1C2 + (2 * Math.Sqrt(det)));
            Assert.Equal(expectedTrace, FrechetDistance.TraceSqrtProduct(c1, c2, 2), 10);

            // Wrongly treating them as commuting (Σ sqrt(c1_ii c2_ii)) would give a different number.
            Assert.True(Math.Abs(expectedTrace - (Math.Sqrt(2 * 1) + Math.Sqrt(2 * 3))) > 0.01);

            var a = new GaussianStatistics(new double[] { 1, -1 }, c1);
            var b = new GaussianStatistics(new double[] { 0, 1 }, c2);
            double expected = (1 + 4) + 4 + 4 - (2 * expectedTrace);
            Assert.Equal(expected, FrechetDistance.Compute(a, b), 9);
            Assert.Equal(expected, FrechetDistance.Compute(b, a), 9);
        }

        [Fact]
        public void AShiftOfTheMeanAddsItsSquaredLength()
        {
            List<float[]> a = Correlated(500, 8, 11);
            List<float[]> b = a.Select(x => x.Select((v, i) => v + (i % 2 == 0 ? 0.5f : -0.25f)).ToArray()).ToList();
            double expected = (4 * 0.25) + (4 * 0.0625);
            Assert.Equal(expected, FrechetDistance.Between(a, b), 4);
        }

        [Fact]
        public void FullCovarianceDistanceIsSymmetricAndGrowsWithTheDifference()
        {
            List<float[]> a = Correlated(400, 12, 21);
            List<float[]> near = Correlated(400, 12, 22, shift: 0.1);
            List<float[]> far = Correlated(400, 12, 23, shift: 1.0);
            double ab = FrechetDistance.Between(a, near);
            Assert.Equal(ab, FrechetDistance.Between(near, a), 8);
            Assert.True(FrechetDistance.Between(a, far) > ab + 5);
        }

        [Fact]
        public void StatisticsAreTheMeanAndUnbiasedCovariance()
        {
            var samples = new List<float[]> { new float[] { 1, 2 }, new float[] { 3, 2 }, new float[] { 5, 8 } };
            GaussianStatistics s = GaussianStatistics.FromSamples(samples);
            Assert.Equal(new double[] { 3, 4 }, s.Mean);
            // Centred: (-2,-2), (0,-2), (2,4); sums of products / (3 − 1).
            Assert.Equal(new double[] { 4, 6, 6, 12 }, s.Covariance);
            Assert.Equal(3, s.Count);
            Assert.Throws<ArgumentException>(() => GaussianStatistics.FromSamples(samples.Take(1).ToList()));
        }
    }
}
