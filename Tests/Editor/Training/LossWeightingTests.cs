using System;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Training
{
    public sealed class LossWeightingTests
    {
        // SNRs 100, 4, 1, 0.01 and 0 (the last timestep of a zero-terminal-SNR schedule): ᾱ = SNR / (1 + SNR).
        private static readonly double[] Snr = { 100, 4, 1, 0.01, 0 };
        private static readonly double[] AlphasCumprod = Snr.Select(s => s / (1 + s)).ToArray();

        [Fact]
        public void EpsilonWeightsAreDiffusersMinSnrAndOneWherePureNoise()
        {
            double[] w = LossWeighting.MinSnr(AlphasCumprod, PredictionType.Epsilon, 5, 0);
            // diffusers: min(SNR, γ) / SNR; at SNR 0 the limit (1) instead of 0/0.
            AssertClose(new[] { 5.0 / 100, 1, 1, 1, 1.0 }, w);
        }

        [Fact]
        public void VWeightsVanishAtZeroSnrWithoutAFloorAndStayTrainedWithOne()
        {
            double[] plain = LossWeighting.MinSnr(AlphasCumprod, PredictionType.VPrediction, 5, 0);
            // diffusers: min(SNR, γ) / (SNR + 1).
            AssertClose(new[] { 5.0 / 101, 4.0 / 5, 1.0 / 2, 0.01 / 1.01, 0.0 }, plain);

            double[] floored = LossWeighting.MinSnr(AlphasCumprod, PredictionType.VPrediction, 5, 1);
            // clamp(SNR, 1, γ) / (SNR + 1): unchanged where SNR >= 1, a plain v loss's weight (about 1) at pure noise.
            AssertClose(new[] { 5.0 / 101, 4.0 / 5, 1.0 / 2, 1 / 1.01, 1.0 }, floored);
        }

        [Fact]
        public void GammaZeroTurnsWeightingOff()
        {
            Assert.All(LossWeighting.MinSnr(AlphasCumprod, PredictionType.VPrediction, 0, 0), w => Assert.Equal(1.0, w));
        }

        [Fact]
        public void FloorWithEpsilonOrAboveGammaIsRejectedByName()
        {
            var epsilon = Assert.Throws<ArgumentException>(() => LossWeighting.MinSnr(AlphasCumprod, PredictionType.Epsilon, 5, 1));
            Assert.Equal("floor", epsilon.ParamName);
            var tooHigh = Assert.Throws<ArgumentOutOfRangeException>(() => LossWeighting.MinSnr(AlphasCumprod, PredictionType.VPrediction, 5, 6));
            Assert.Equal("floor", tooHigh.ParamName);
        }

        [Fact]
        public void CosineScheduleLeavesItsLastTimestepsUntrainedForVWithoutAFloor()
        {
            // The built-in model's schedule: its noisiest timesteps carry (almost) no signal.
            var config = DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.VPrediction });
            double[] alphas = config.CreateScheduler().AlphasCumprod.ToArray();
            double[] plain = LossWeighting.MinSnr(alphas, PredictionType.VPrediction, 5, 0);
            double[] floored = LossWeighting.MinSnr(alphas, PredictionType.VPrediction, 5, 1);
            Assert.True(plain[999] < 1e-3, $"weight at t=999 without a floor: {plain[999]}");
            Assert.True(floored[999] > 0.99, $"weight at t=999 with floor 1: {floored[999]}");
            Assert.Equal(plain[300], floored[300]);
        }

        private static void AssertClose(double[] expected, double[] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9, $"weight {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }
}
