using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// AdamW (decoupled weight decay; PyTorch's update rule) over named parameters, with its moment estimates held as
    /// named tensors. Written here rather than using TorchSharp's optimizer because a checkpoint must be one atomic
    /// record: these moments go into the same safetensors file as the weights, by parameter name.
    /// </summary>
    public sealed class AdamW : IDisposable
    {
        private readonly (string Name, Parameter Parameter, Tensor ExpAvg, Tensor ExpAvgSq)[] _state;
        private readonly double _beta1;
        private readonly double _beta2;
        private readonly double _epsilon;
        private readonly double _weightDecay;

        /// <summary>Creates the optimiser with zeroed moments.</summary>
        public AdamW(IEnumerable<(string Name, Parameter Parameter)> parameters, double beta1, double beta2, double epsilon, double weightDecay)
        {
            _state = parameters.Select(p => (p.Name, p.Parameter, zeros_like(p.Parameter), zeros_like(p.Parameter))).ToArray();
            _beta1 = beta1;
            _beta2 = beta2;
            _epsilon = epsilon;
            _weightDecay = weightDecay;
        }

        /// <summary>Updates taken so far (drives the bias correction).</summary>
        public long StepCount { get; set; }

        /// <summary>Clears every parameter's gradient.</summary>
        public void ZeroGrad()
        {
            foreach (var s in _state)
            {
                s.Parameter.grad?.zero_();
            }
        }

        /// <summary>Applies one update at learning rate <paramref name="learningRate"/>.</summary>
        public void Step(double learningRate)
        {
            StepCount++;
            double correction1 = 1 - Math.Pow(_beta1, StepCount);
            double correction2 = 1 - Math.Pow(_beta2, StepCount);
            using (no_grad())
            {
                foreach ((_, Parameter p, Tensor m, Tensor v) in _state)
                {
                    Tensor? grad = p.grad;
                    if (grad is null)
                    {
                        continue;
                    }

                    using var scope = NewDisposeScope();
                    if (_weightDecay != 0)
                    {
                        p.TimesInPlace(1 - (learningRate * _weightDecay));
                    }

                    m.TimesInPlace(_beta1).PlusScaledInPlace(grad, 1 - _beta1);
                    v.TimesInPlace(_beta2).AddProductInPlace(grad, grad, 1 - _beta2);
                    Tensor denominator = v.sqrt().DividedBy(Math.Sqrt(correction2)).PlusInPlace(_epsilon);
                    p.AddQuotientInPlace(m, denominator, -learningRate / correction1);
                }
            }
        }

        /// <summary>The moment tensors by name (<c>exp_avg/&lt;param&gt;</c>, <c>exp_avg_sq/&lt;param&gt;</c>).</summary>
        public IEnumerable<(string Name, Tensor Tensor)> StateTensors()
        {
            foreach (var s in _state)
            {
                yield return ("exp_avg/" + s.Name, s.ExpAvg);
                yield return ("exp_avg_sq/" + s.Name, s.ExpAvgSq);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var s in _state)
            {
                s.ExpAvg.Dispose();
                s.ExpAvgSq.Dispose();
            }
        }
    }
}
