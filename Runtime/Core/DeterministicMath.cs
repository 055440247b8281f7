#nullable enable
using System;
using System.Numerics;

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

        /// <summary>
        /// Replaces each s in (0, 1) (the squared radius of an accepted Marsaglia polar pair) with its scale factor
        /// √(−2·ln s / s), bit for bit what <c>Math.Sqrt(-2.0 * Log(s) / s)</c> gives, several at a time: every lane
        /// runs the same IEEE-754 operations in the same order as <see cref="Log"/>, and such operations round alike
        /// in SIMD registers. Such an s is never subnormal (it is at least 2⁻¹⁰⁴), so that branch is not needed.
        /// </summary>
        public static void PolarFactors(Span<double> values)
        {
            int i = 0;
#if NET7_0_OR_GREATER
            // (netstandard2.1, e.g. Unity, lacks the 64-bit shifts and span copies: it takes the scalar loop below, same bits.)
            if (Vector.IsHardwareAccelerated)
            {
                var mantissa = new Vector<long>(0x000FFFFFFFFFFFFFL);
                var one = new Vector<long>(0x3FF0000000000000L);
                var exponentMask = new Vector<long>(0x7FF);
                var bias = new Vector<long>(1023);
                var sqrt2 = new Vector<double>(Sqrt2);
                var ln2 = new Vector<double>(Ln2);
                for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
                {
                    var x = new Vector<double>(values[i..]);
                    Vector<long> bits = Vector.AsVectorInt64(x);
                    Vector<long> e = (Vector.ShiftRightArithmetic(bits, 52) & exponentMask) - bias;
                    Vector<double> m = Vector.AsVectorDouble((bits & mantissa) | one);
                    Vector<long> above = Vector.AsVectorInt64(Vector.GreaterThan(m, sqrt2));
                    m = Vector.ConditionalSelect(above, m * 0.5, m);
                    e -= above; // the mask is -1 where m was halved
                    Vector<double> f = (m - Vector<double>.One) / (m + Vector<double>.One);
                    Vector<double> f2 = f * f;
                    Vector<double> term = f;
                    Vector<double> sum = Vector<double>.Zero;
                    for (int k = 1; k <= 25; k += 2)
                    {
                        sum += term / new Vector<double>(k);
                        term *= f2;
                    }

                    Vector<double> log = new Vector<double>(2.0) * sum + Vector.ConvertToDouble(e) * ln2;
                    Vector.SquareRoot(new Vector<double>(-2.0) * log / x).CopyTo(values[i..]);
                }
            }
#endif

            for (; i < values.Length; i++)
            {
                values[i] = Math.Sqrt(-2.0 * Log(values[i]) / values[i]);
            }
        }
    }
}
