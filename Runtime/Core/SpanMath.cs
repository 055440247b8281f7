#nullable enable
using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LiveDiffusion
{
    /// <summary>
    /// The element-wise kernels the schedulers, pipelines and guidance need (a·x, x − y, a·x + y, a·x + b·y,
    /// a·x + b·y + c·z, clamp to a range, min and max), vectorised with <see cref="Vector{T}"/> so the runtime needs no
    /// package beyond the BCL (an engine cannot restore NuGet packages). Each writes into the destination span and
    /// allocates nothing; the destination may be the same memory as an input. Every multiply and add is rounded on its
    /// own (no fused multiply-add), so the vector and scalar paths give identical bits.
    /// </summary>
    internal static class SpanMath
    {
        /// <summary>Computes destination[i] = a * x[i].</summary>
        public static void Scale(ReadOnlySpan<float> x, float a, Span<float> destination)
        {
            CheckLengths(x.Length, x.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var va = new Vector<float>(a);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = va * vx[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = a * x[i];
            }
        }

        /// <summary>Computes destination[i] = x[i] - y[i].</summary>
        public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
        {
            CheckLengths(x.Length, y.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                ReadOnlySpan<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = vx[v] - vy[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = x[i] - y[i];
            }
        }

        /// <summary>Computes destination[i] = x[i] * a + y[i] (rounded after the multiply, then after the add).</summary>
        public static void MultiplyAdd(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, Span<float> destination)
        {
            CheckLengths(x.Length, y.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                ReadOnlySpan<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var va = new Vector<float>(a);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = (vx[v] * va) + vy[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = (x[i] * a) + y[i];
            }
        }

        /// <summary>The smallest value; NaN when any value is NaN.</summary>
        /// <exception cref="ArgumentException">The span is empty.</exception>
        public static float Min(ReadOnlySpan<float> x) => Extreme(x, smallest: true);

        /// <summary>The largest value; NaN when any value is NaN.</summary>
        /// <exception cref="ArgumentException">The span is empty.</exception>
        public static float Max(ReadOnlySpan<float> x) => Extreme(x, smallest: false);

        private static float Extreme(ReadOnlySpan<float> x, bool smallest)
        {
            if (x.IsEmpty)
            {
                throw new ArgumentException("No values to take the minimum or maximum of.", nameof(x));
            }

            float result = x[0];
            foreach (float value in x)
            {
                if (float.IsNaN(value))
                {
                    return float.NaN;
                }

                if (smallest ? value < result : value > result)
                {
                    result = value;
                }
            }

            return result;
        }

        /// <summary>Effectively computes destination[i] = a * x[i] + b * y[i].</summary>
        public static void Combine(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, Span<float> destination)
        {
            CheckLengths(x.Length, y.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                ReadOnlySpan<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var va = new Vector<float>(a);
                var vb = new Vector<float>(b);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = va * vx[v] + vb * vy[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = a * x[i] + b * y[i];
            }
        }

        /// <summary>Effectively computes destination[i] = a * x[i] + b * y[i] + c * z[i].</summary>
        public static void Combine(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, ReadOnlySpan<float> z, float c, Span<float> destination)
        {
            CheckLengths(x.Length, y.Length, destination.Length);
            CheckLengths(x.Length, z.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                ReadOnlySpan<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                ReadOnlySpan<Vector<float>> vz = MemoryMarshal.Cast<float, Vector<float>>(z);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var va = new Vector<float>(a);
                var vb = new Vector<float>(b);
                var vc = new Vector<float>(c);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = va * vx[v] + vb * vy[v] + vc * vz[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = a * x[i] + b * y[i] + c * z[i];
            }
        }

        /// <summary>Effectively computes destination[i] = a * x[i] + b * y[i] + c * z[i] + d * w[i].</summary>
        public static void Combine(ReadOnlySpan<float> x, float a, ReadOnlySpan<float> y, float b, ReadOnlySpan<float> z, float c, ReadOnlySpan<float> w, float d, Span<float> destination)
        {
            CheckLengths(x.Length, y.Length, destination.Length);
            CheckLengths(z.Length, w.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                ReadOnlySpan<Vector<float>> vy = MemoryMarshal.Cast<float, Vector<float>>(y);
                ReadOnlySpan<Vector<float>> vz = MemoryMarshal.Cast<float, Vector<float>>(z);
                ReadOnlySpan<Vector<float>> vw = MemoryMarshal.Cast<float, Vector<float>>(w);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var va = new Vector<float>(a);
                var vb = new Vector<float>(b);
                var vc = new Vector<float>(c);
                var vdd = new Vector<float>(d);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = va * vx[v] + vb * vy[v] + vc * vz[v] + vdd * vw[v];
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = a * x[i] + b * y[i] + c * z[i] + d * w[i];
            }
        }

        /// <summary>Effectively computes destination[i] = min(max(x[i], min), max).</summary>
        public static void Clamp(ReadOnlySpan<float> x, float min, float max, Span<float> destination)
        {
            CheckLengths(x.Length, destination.Length, destination.Length);
            int i = 0;
            if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
            {
                ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x);
                Span<Vector<float>> vd = MemoryMarshal.Cast<float, Vector<float>>(destination);
                var vmin = new Vector<float>(min);
                var vmax = new Vector<float>(max);
                for (int v = 0; v < vx.Length; v++)
                {
                    vd[v] = Vector.Min(Vector.Max(vx[v], vmin), vmax);
                }

                i = vx.Length * Vector<float>.Count;
            }

            for (; i < x.Length; i++)
            {
                destination[i] = Math.Min(Math.Max(x[i], min), max);
            }
        }

        private static void CheckLengths(int a, int b, int destination)
        {
            if (a != b || a != destination)
            {
                throw new ArgumentException($"Span lengths differ ({a}, {b}, destination {destination}).");
            }
        }
    }
}
