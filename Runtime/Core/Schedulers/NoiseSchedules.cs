#nullable enable
using System;
using System.Collections.Generic;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Pure functions that build noise schedules: β tables, ᾱ (alphas_cumprod), σ tables, Karras spacing and the
    /// σ→t inverse. β and ᾱ are computed in float32, as diffusers does with torch, then widened to double so that
    /// per-step coefficients are computed without further rounding.
    /// </summary>
    public static class NoiseSchedules
    {
        /// <summary>β₀…β_{T−1} for the configuration (trained_betas win over the schedule).</summary>
        public static double[] Betas(SchedulerConfig config)
        {
            int n = config.NumTrainTimesteps;
            var betas = new double[n];
            if (config.TrainedBetas != null)
            {
                for (int i = 0; i < n; i++)
                {
                    betas[i] = (float)config.TrainedBetas[i];
                }

                return betas;
            }

            switch (config.BetaSchedule)
            {
                case BetaSchedule.Linear:
                    for (int i = 0; i < n; i++)
                    {
                        betas[i] = (float)Linspace(config.BetaStart, config.BetaEnd, n, i);
                    }

                    break;
                case BetaSchedule.ScaledLinear:
                    for (int i = 0; i < n; i++)
                    {
                        float r = (float)Linspace(Math.Sqrt(config.BetaStart), Math.Sqrt(config.BetaEnd), n, i);
                        betas[i] = r * r;
                    }

                    break;
                case BetaSchedule.SquaredCosCapV2:
                    for (int i = 0; i < n; i++)
                    {
                        double t1 = (double)i / n;
                        double t2 = (double)(i + 1) / n;
                        betas[i] = (float)Math.Min(1 - CosineAlphaBar(t2) / CosineAlphaBar(t1), 0.999);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(config), config.BetaSchedule, "Unknown beta schedule.");
            }

            return betas;
        }

        /// <summary>ᾱ_t = ∏_{s≤t} (1 − β_s), accumulated in float32 as torch.cumprod does.</summary>
        public static double[] AlphasCumprod(IReadOnlyList<double> betas)
        {
            var result = new double[betas.Count];
            float product = 1f;
            for (int i = 0; i < betas.Count; i++)
            {
                product *= 1f - (float)betas[i];
                result[i] = product;
            }

            return result;
        }

        /// <summary>
        /// Rescales β so that the terminal SNR is zero (Lin et al. 2023, "Common Diffusion Noise Schedules and Sample
        /// Steps are Flawed", algorithm 1).
        /// </summary>
        public static double[] RescaleZeroTerminalSnr(IReadOnlyList<double> betas)
        {
            int n = betas.Count;
            double[] sqrtAlphaBar = AlphasCumprod(betas);
            for (int i = 0; i < n; i++)
            {
                sqrtAlphaBar[i] = Math.Sqrt(sqrtAlphaBar[i]);
            }

            double first = sqrtAlphaBar[0];
            double last = sqrtAlphaBar[n - 1];
            var result = new double[n];
            double previous = 1;
            for (int i = 0; i < n; i++)
            {
                double shifted = (sqrtAlphaBar[i] - last) * first / (first - last);
                double alphaBar = shifted * shifted;
                double alpha = i == 0 ? alphaBar : alphaBar / previous;
                result[i] = (float)(1 - alpha);
                previous = alphaBar;
            }

            return result;
        }

        /// <summary>σ_t = √((1 − ᾱ_t) / ᾱ_t) for every training timestep, ascending in t.</summary>
        public static double[] Sigmas(IReadOnlyList<double> alphasCumprod)
        {
            var sigmas = new double[alphasCumprod.Count];
            for (int i = 0; i < sigmas.Length; i++)
            {
                sigmas[i] = (float)Math.Sqrt((1 - alphasCumprod[i]) / alphasCumprod[i]);
            }

            return sigmas;
        }

        /// <summary>
        /// The noise levels of Karras et al. 2022 ("Elucidating the Design Space of Diffusion-Based Generative Models",
        /// eq. 5): σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ for i = 0…n−1, descending.
        /// </summary>
        public static double[] Karras(int n, double sigmaMin, double sigmaMax, double rho = 7.0)
        {
            var sigmas = new double[n];
            double minInvRho = Math.Pow(sigmaMin, 1 / rho);
            double maxInvRho = Math.Pow(sigmaMax, 1 / rho);
            for (int i = 0; i < n; i++)
            {
                double ramp = n == 1 ? 0 : (double)i / (n - 1);
                sigmas[i] = Math.Pow(maxInvRho + ramp * (minInvRho - maxInvRho), rho);
            }

            return sigmas;
        }

        /// <summary>
        /// The (fractional) training timestep whose σ equals <paramref name="sigma"/>, by linear interpolation in log σ
        /// between the two neighbouring training timesteps (diffusers' <c>_sigma_to_t</c>).
        /// </summary>
        public static double SigmaToTimestep(double sigma, IReadOnlyList<double> logSigmas)
        {
            double logSigma = Math.Log(Math.Max(sigma, 1e-10));
            int count = logSigmas.Count;
            // low = last index whose log σ is <= log_sigma (cumsum(dists >= 0).argmax), clipped to count - 2.
            int low = 0;
            int ones = 0;
            int best = 0;
            for (int i = 0; i < count; i++)
            {
                if (logSigma - logSigmas[i] >= 0)
                {
                    ones++;
                    if (ones > best)
                    {
                        best = ones;
                        low = i;
                    }
                }
            }

            if (best == 0)
            {
                low = 0;
            }

            low = Math.Min(low, count - 2);
            int high = low + 1;
            double lowValue = logSigmas[low];
            double highValue = logSigmas[high];
            double w = (lowValue - logSigma) / (lowValue - highValue);
            w = Math.Max(0, Math.Min(1, w));
            return (1 - w) * low + w * high;
        }

        /// <summary>Piecewise-linear interpolation of <paramref name="values"/> (given at 0, 1, 2, …) at <paramref name="x"/>, like numpy.interp.</summary>
        public static double Interpolate(double x, IReadOnlyList<double> values)
        {
            if (x <= 0)
            {
                return values[0];
            }

            if (x >= values.Count - 1)
            {
                return values[values.Count - 1];
            }

            int i = (int)Math.Floor(x);
            double frac = x - i;
            return values[i] + frac * (values[i + 1] - values[i]);
        }

        /// <summary>numpy.linspace(start, stop, n)[i].</summary>
        internal static double Linspace(double start, double stop, int n, int i) =>
            n == 1 ? start : start + (stop - start) * i / (n - 1);

        /// <summary>
        /// Rounds half to even, as numpy's round does (0.5 → 0, 1.5 → 2), which is not C#'s default for
        /// <see cref="Math.Round(double)"/> in every overload.
        /// </summary>
        internal static double RoundHalfEven(double x) => Math.Round(x, MidpointRounding.ToEven);

        private static double CosineAlphaBar(double t)
        {
            double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2);
            return c * c;
        }
    }
}
