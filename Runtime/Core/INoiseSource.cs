#nullable enable
using System;

namespace LiveDiffusion
{
    /// <summary>Where a stochastic scheduler draws its fresh standard-normal noise from (see <see cref="NoiseGenerator"/>, <see cref="PerImageNoise"/>).</summary>
    public interface INoiseSource
    {
        /// <summary>Fills <paramref name="destination"/> (a whole batch of samples) with standard-normal noise.</summary>
        void FillGaussian(Span<float> destination);
    }
}
