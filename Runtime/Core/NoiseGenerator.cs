#nullable enable
using System;

namespace LiveDiffusion
{
    /// <summary>
    /// Seeded standard-normal noise that yields the same numbers for the same seed on every run, operating system
    /// and CPU. Algorithm: SplitMix64 expands the 64-bit seed into the state of xoshiro256** (Blackman and Vigna,
    /// 2018); each 64-bit output becomes a double in [0, 1) from its top 53 bits; Marsaglia's polar method turns
    /// pairs of uniforms into pairs of normals. The logarithm the polar method needs is computed here with IEEE-754
    /// additions, multiplications and divisions only (<see cref="Math.Sqrt"/> is correctly rounded everywhere), so
    /// no platform math library can change a single bit of the result.
    /// </summary>
    /// <remarks>Not thread-safe: use one generator per thread. Allocates nothing after construction.</remarks>
    public sealed class NoiseGenerator : INoiseSource
    {
        private ulong _s0, _s1, _s2, _s3;
        private double _spare;
        private bool _hasSpare;

        /// <summary>Creates a generator whose sequence is fully determined by <paramref name="seed"/>.</summary>
        public NoiseGenerator(ulong seed)
        {
            Seed = seed;
            Reset();
        }

        /// <summary>The seed this generator was created with.</summary>
        public ulong Seed { get; }

        /// <summary>Restarts the sequence from the seed.</summary>
        public void Reset()
        {
            ulong x = Seed;
            _s0 = SplitMix64(ref x);
            _s1 = SplitMix64(ref x);
            _s2 = SplitMix64(ref x);
            _s3 = SplitMix64(ref x);
            _hasSpare = false;
        }

        /// <summary>The next raw 64-bit output of xoshiro256**.</summary>
        public ulong NextUInt64()
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }

        /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
        public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

        /// <summary>A standard-normal sample (mean 0, variance 1).</summary>
        public double NextGaussian()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }

            (double u, double v, double s) = NextPolarPair();
            double factor = Math.Sqrt(-2.0 * DeterministicMath.Log(s) / s);
            _spare = v * factor;
            _hasSpare = true;
            return u * factor;
        }

        /// <summary>
        /// Fills <paramref name="destination"/> with standard-normal samples, in order: exactly the values that as many
        /// <see cref="NextGaussian"/> calls would give, each rounded to float. The work is batched: accepted polar
        /// pairs are collected first and their logarithms and scale factors computed several at a time with SIMD, in
        /// the same operation order as the scalar path (IEEE-754 arithmetic rounds the same in every lane), so the
        /// bits do not change, only the time.
        /// </summary>
        public void FillGaussian(Span<float> destination)
        {
            int i = 0;
            if (_hasSpare && destination.Length > 0)
            {
                destination[i++] = (float)_spare;
                _hasSpare = false;
            }

            Span<double> u = stackalloc double[PairBatch];
            Span<double> v = stackalloc double[PairBatch];
            Span<double> factor = stackalloc double[PairBatch];
            while (i < destination.Length)
            {
                int pairs = Math.Min(PairBatch, (destination.Length - i + 1) / 2);
                for (int p = 0; p < pairs; p++)
                {
                    (u[p], v[p], factor[p]) = NextPolarPair();
                }

                DeterministicMath.PolarFactors(factor.Slice(0, pairs));
                for (int p = 0; p < pairs; p++)
                {
                    destination[i++] = (float)(u[p] * factor[p]);
                    double second = v[p] * factor[p];
                    if (i < destination.Length)
                    {
                        destination[i++] = (float)second;
                    }
                    else
                    {
                        _spare = second;
                        _hasSpare = true;
                    }
                }
            }
        }

        /// <summary>Fills <paramref name="destination"/> with standard-normal samples.</summary>
        public void FillGaussian(TensorBuffer destination) => FillGaussian(destination.Span);

        private const int PairBatch = 128;

        /// <summary>Marsaglia's polar method: a point (u, v) drawn uniformly inside the unit circle, and s = u² + v².</summary>
        private (double U, double V, double S) NextPolarPair()
        {
            double u, v, s;
            do
            {
                u = 2.0 * NextDouble() - 1.0;
                v = 2.0 * NextDouble() - 1.0;
                s = u * u + v * v;
            }
            while (s >= 1.0 || s == 0.0);

            return (u, v, s);
        }

        private static ulong SplitMix64(ref ulong x)
        {
            ulong z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
