#nullable enable
using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LiveDiffusion
{
    /// <summary>
    /// Fused element-wise kernels the schedulers need that System.Numerics.Tensors' TensorPrimitives does not offer
    /// as one pass (a·x + b·y, a·x + b·y + c·z, clamp to a range). Each writes into the destination span and
    /// allocates nothing; the destination may be the same memory as an input.
    /// </summary>
    internal static class SpanMath
    {
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
