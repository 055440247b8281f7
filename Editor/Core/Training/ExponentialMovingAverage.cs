using System;
using System.Linq;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// An exponential moving average of a network's weights with diffusers' warm-up: decay = 1 - (1 + step)^-power,
    /// capped at the maximum, so early averages follow the fast-changing weights and late ones smooth them.
    /// </summary>
    public sealed class ExponentialMovingAverage
    {
        private readonly (Parameter Source, Parameter Average)[] _pairs;
        private readonly double _maxDecay;
        private readonly double _power;

        /// <summary>Averages <paramref name="source"/> into <paramref name="average"/> (same configuration); copies the weights over first.</summary>
        public ExponentialMovingAverage(UNet2D source, UNet2D average, double maxDecay, double power)
        {
            var averages = average.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            _pairs = source.named_parameters().Select(p => (p.parameter, averages[p.name])).ToArray();
            _maxDecay = maxDecay;
            _power = power;
            using (no_grad())
            {
                foreach ((Parameter s, Parameter a) in _pairs)
                {
                    a.copy_(s);
                    a.requires_grad_(false);
                }
            }
        }

        /// <summary>The decay used after optimisation step <paramref name="step"/> (1-based).</summary>
        public double Decay(long step) => Math.Clamp(1 - Math.Pow(1 + Math.Max(0, step - 1), -_power), 0, _maxDecay);

        /// <summary>average ← decay·average + (1 − decay)·weights.</summary>
        public void Update(long step)
        {
            double decay = Decay(step);
            using (no_grad())
            {
                foreach ((Parameter s, Parameter a) in _pairs)
                {
                    a.TimesInPlace(decay).PlusScaledInPlace(s, 1 - decay);
                }
            }
        }
    }
}
