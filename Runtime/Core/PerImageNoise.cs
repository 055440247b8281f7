#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveDiffusion
{
    /// <summary>
    /// Fresh noise for a batch in which every image has a stream of its own: a batch buffer is cut into as many equal
    /// parts as there are seeds and part i is filled by a <see cref="NoiseGenerator"/> seeded with seed i. So image i of
    /// a batch draws exactly the noise it would draw alone, and a stochastic scheduler (DDPM, Euler ancestral, LCM,
    /// DPM++ 2M SDE) reproduces any image of a batch from its own seed.
    /// </summary>
    public sealed class PerImageNoise : INoiseSource
    {
        /// <summary>Mixed into the step streams' seeds so they are independent of the starting noise.</summary>
        private const ulong StepSeedSalt = 0x9E3779B97F4A7C15UL;

        private readonly NoiseGenerator[] _generators;

        /// <summary>Creates one stream per seed, in batch order.</summary>
        /// <exception cref="ArgumentException">No seed is given.</exception>
        public PerImageNoise(IEnumerable<ulong> seeds)
        {
            _generators = seeds.Select(s => new NoiseGenerator(s)).ToArray();
            if (_generators.Length == 0)
            {
                throw new ArgumentException("Give one seed per image of the batch (none given).", nameof(seeds));
            }
        }

        /// <summary>The starting noise of a batch whose image i has seed <paramref name="firstSeed"/> + i.</summary>
        public static PerImageNoise ForImages(ulong firstSeed, int count) =>
            new PerImageNoise(Enumerable.Range(0, count).Select(i => firstSeed + (ulong)i));

        /// <summary>The fresh noise a stochastic scheduler draws each step for the same images (streams of their own).</summary>
        public static PerImageNoise ForSteps(ulong firstSeed, int count) =>
            new PerImageNoise(Enumerable.Range(0, count).Select(i => (firstSeed + (ulong)i) ^ StepSeedSalt));

        /// <summary>Images in the batch this source serves.</summary>
        public int Count => _generators.Length;

        /// <inheritdoc />
        /// <exception cref="ArgumentException">The buffer does not split into <see cref="Count"/> equal images.</exception>
        public void FillGaussian(Span<float> destination)
        {
            if (destination.Length % _generators.Length != 0)
            {
                throw new ArgumentException($"A buffer of {destination.Length} values does not split into {_generators.Length} images of equal size.", nameof(destination));
            }

            int item = destination.Length / _generators.Length;
            for (int i = 0; i < _generators.Length; i++)
            {
                _generators[i].FillGaussian(destination.Slice(i * item, item));
            }
        }
    }
}
