using System;

namespace LiveDiffusion
{
    /// <summary>
    /// Functions computed with correctly rounded IEEE-754 operations only, so that they return the same bits on
    /// every platform (unlike <see cref="Math.Log(double)"/>, whose last bit depends on the C library).
    /// </summary>
    internal static class DeterministicMath
    {
        private const double Ln2 = 0.69314718055994530942;
        private const double Sqrt2 = 1.4142135623730950488;

        /// <summary>Natural logarithm of a positive, finite, normal double; accurate to about 1 ulp.</summary>
        public static double Log(double x)
        {
            if (!(x > 0) || double.IsInfinity(x))
            {
                throw new ArgumentOutOfRangeException(nameof(x), x, "Log needs a positive finite argument.");
            }

            long bits = BitConverter.DoubleToInt64Bits(x);
            int exponent = (int)((bits >> 52) & 0x7FF);
            if (exponent == 0)
            {
                // Subnormal: scale into the normal range first (exact).
                x *= 18014398509481984.0; // 2^54
                bits = BitConverter.DoubleToInt64Bits(x);
                exponent = (int)((bits >> 52) & 0x7FF) - 54;
            }

            // m in [1, 2), x = m * 2^e.
            int e = exponent - 1023;
            double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
            if (m > Sqrt2)
            {
                m *= 0.5;
                e++;
            }

            // ln(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716: the odd series converges to double precision in 12 terms.
            double f = (m - 1.0) / (m + 1.0);
            double f2 = f * f;
            double term = f;
            double sum = 0;
            for (int k = 1; k <= 25; k += 2)
            {
                sum += term / k;
                term *= f2;
            }

            return 2.0 * sum + e * Ln2;
        }
    }
}
