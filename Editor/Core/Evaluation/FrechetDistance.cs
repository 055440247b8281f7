using System;
using System.Collections.Generic;
using LiveDiffusion.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// The Fréchet (2-Wasserstein) distance between two Gaussians fitted to feature sets, the quantity FID reports:
    /// <c>|μ1 − μ2|² + tr(C1) + tr(C2) − 2·tr((C1^½ C2 C1^½)^½)</c>. Everything is computed in double precision. The
    /// trace term is the sum of the square roots of the eigenvalues of the symmetric matrix C1^½·C2·C1^½, with C1^½
    /// built from the eigen decomposition of C1 (torch.linalg.eigh in float64); eigenvalues below zero (rounding noise
    /// of positive semi-definite matrices, e.g. a covariance from fewer samples than dimensions) are clamped to 0.
    /// </summary>
    /// <remarks>
    /// The estimate is biased upwards for finite samples and the bias grows with the dimension and shrinks with the
    /// sample count: only compare distances computed from sets of similar sizes (hence the real-vs-real baseline).
    /// </remarks>
    public static class FrechetDistance
    {
        /// <summary>The distance between the Gaussians fitted to two feature sets.</summary>
        public static double Between(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
            Compute(GaussianStatistics.FromSamples(a), GaussianStatistics.FromSamples(b));

        /// <summary>The distance between two Gaussians; results within rounding of zero below zero are returned as 0.</summary>
        public static double Compute(GaussianStatistics a, GaussianStatistics b) => Decompose(a, b).Distance;

        /// <summary>The distance between the Gaussians fitted to two feature sets, with its parts.</summary>
        public static FrechetParts DecomposeBetween(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b) =>
            Decompose(GaussianStatistics.FromSamples(a), GaussianStatistics.FromSamples(b));

        /// <summary>
        /// The distance between two Gaussians with its parts: the squared distance of the means, and the traces of the
        /// covariances (the total variance of each set), which say whether a set is more or less varied than the other.
        /// </summary>
        public static FrechetParts Decompose(GaussianStatistics a, GaussianStatistics b)
        {
            if (a.Dimension != b.Dimension)
            {
                throw new ArgumentException($"The Gaussians have different dimensions ({a.Dimension} and {b.Dimension}).", nameof(b));
            }

            int d = a.Dimension;
            double meanTerm = 0, traceA = 0, traceB = 0;
            for (int i = 0; i < d; i++)
            {
                double diff = a.Mean[i] - b.Mean[i];
                meanTerm += diff * diff;
                traceA += a.Covariance[(i * d) + i];
                traceB += b.Covariance[(i * d) + i];
            }

            double crossTrace = TraceSqrtProduct(a.Covariance, b.Covariance, d);
            double distance = meanTerm + traceA + traceB - (2 * crossTrace);
            return new FrechetParts(Math.Max(0, distance), meanTerm, traceA, traceB);
        }

        /// <summary>
        /// tr((C1^½·C2·C1^½)^½) for symmetric positive semi-definite row-major d×d matrices: the sum of the square roots
        /// of the eigenvalues (clamped at 0) of C1^½·C2·C1^½. Equals tr((C1·C2)^½), the form FID code writes.
        /// </summary>
        public static double TraceSqrtProduct(double[] c1, double[] c2, int d)
        {
            if (c1.Length != d * d || c2.Length != d * d)
            {
                throw new ArgumentException($"Both matrices must be {d}x{d}.");
            }

            // One libtorch thread for the decompositions. Measured on a 2-core machine with another process busy: after
            // TAESD had run, each 256x256 float64 eigh with 2 intra-op threads took about 6 s instead of 15 ms (the
            // LAPACK call and the idle convolution thread pool fight over the cores). The matrices are too small to
            // gain from threads anyway. The previous setting is restored afterwards.
            int threads = get_num_threads();
            set_num_threads(1);
            try
            {
                return TraceSqrtProductCore(c1, c2, d);
            }
            finally
            {
                set_num_threads(threads);
            }
        }

        private static double TraceSqrtProductCore(double[] c1, double[] c2, int d)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor a = tensor(c1, new long[] { d, d }, ScalarType.Float64);
            Tensor b = tensor(c2, new long[] { d, d }, ScalarType.Float64);
            a = a.Plus(a.t()).mul(TensorArithmetic.Half);
            b = b.Plus(b.t()).mul(TensorArithmetic.Half);
            (Tensor values, Tensor vectors) = linalg.eigh(a);
            Tensor rootA = vectors.mul(values.clamp_min(TensorArithmetic.Zero).sqrt().unsqueeze(0)).matmul(vectors.t());
            Tensor m = rootA.matmul(b).matmul(rootA);
            m = m.Plus(m.t()).mul(TensorArithmetic.Half);
            (Tensor eigenvalues, _) = linalg.eigh(m);
            return eigenvalues.clamp_min(TensorArithmetic.Zero).sqrt().sum().item<double>();
        }
    }

    /// <summary>A Fréchet distance and its parts (see <see cref="FrechetDistance.Decompose"/>).</summary>
    /// <param name="Distance">The distance (clamped at 0).</param>
    /// <param name="MeanTerm">|μ1 − μ2|²: the part that comes from the sets being offset from each other.</param>
    /// <param name="TraceA">tr(C1): the total variance of the first set.</param>
    /// <param name="TraceB">tr(C2): the total variance of the second set.</param>
    public readonly record struct FrechetParts(double Distance, double MeanTerm, double TraceA, double TraceB)
    {
        /// <summary>tr(C1) / tr(C2): below 1 the first set is less varied than the second.</summary>
        public double SpreadRatio => TraceA / TraceB;
    }
}
