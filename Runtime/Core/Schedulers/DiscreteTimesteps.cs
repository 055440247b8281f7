#nullable enable
using System;

namespace LiveDiffusion.Schedulers
{
    /// <summary>The integer timestep spacings shared by DDPM, DDIM and LCM-style schedulers (diffusers' set_timesteps).</summary>
    internal static class DiscreteTimesteps
    {
        /// <summary>
        /// n integer timesteps out of [0, T), noisiest first:
        /// linspace → round(linspace(0, T−1, n)) reversed; leading → (0, T//n, 2·T//n, …) + steps_offset, reversed;
        /// trailing → round(arange(T, 0, −T/n)) − 1.
        /// </summary>
        public static float[] Spaced(int trainTimesteps, int n, TimestepSpacing spacing, int stepsOffset)
        {
            var result = new float[n];
            switch (spacing)
            {
                case TimestepSpacing.Linspace:
                    for (int i = 0; i < n; i++)
                    {
                        result[n - 1 - i] = (float)NoiseSchedules.RoundHalfEven(NoiseSchedules.Linspace(0, trainTimesteps - 1, n, i));
                    }

                    break;
                case TimestepSpacing.Leading:
                    int ratio = trainTimesteps / n;
                    for (int i = 0; i < n; i++)
                    {
                        result[n - 1 - i] = i * ratio + stepsOffset;
                    }

                    break;
                case TimestepSpacing.Trailing:
                    double step = (double)trainTimesteps / n;
                    for (int i = 0; i < n; i++)
                    {
                        result[i] = (float)(NoiseSchedules.RoundHalfEven(trainTimesteps - i * step) - 1);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(spacing), spacing, null);
            }

            return result;
        }
    }
}
