using System;
using System.Collections.Generic;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch
{
    /// <summary>
    /// A known-answer check of libtorch's oneDNN convolutions on this CPU: small convolutions of the kinds this package's
    /// networks use are run forward and backward with oneDNN and again with libtorch's own kernels, and the two must agree.
    /// </summary>
    /// <remarks>
    /// Why: on an AMD EPYC (family 26) machine, libtorch 2.10's oneDNN 3.7.1 <c>jit:avx512_core</c> (and AVX2) convolution
    /// gave wrong input gradients, off by as much as the gradients themselves and sometimes NaN, whenever the convolution's
    /// output channels were not a multiple of the vector width (the UNet's and TAESD's last 3- or 4-channel convolution),
    /// on one thread and on two; its forward results were right. Training there produced wrong gradients on one thread
    /// and NaN weights after the first step on two. <see cref="LibTorchSettings"/> runs this check once per process and
    /// keeps oneDNN away from whatever it found wrong. The check takes a few milliseconds and touches no weights.
    /// </remarks>
    public sealed class OneDnnConvolutionCheck
    {
        /// <summary>
        /// Largest allowed difference between the two kernels, relative to the largest magnitude of the expected values.
        /// Right kernels differ by rounding (about 1e-6 relative here); the fault seen differs by 0.3 to 1.
        /// </summary>
        public const double RelativeTolerance = 1e-3;

        /// <summary>How many times every probe runs at each thread count.</summary>
        private const int Passes = 3;

        private static readonly Probe[] Probes =
        {
            new Probe(2, 16, 3, 10, 3, 1, 1, "3x3 convolution to 3 channels (an RGB output)"),
            new Probe(2, 16, 4, 10, 3, 1, 0, "3x3 convolution to 4 channels (a latent output)"),
            new Probe(2, 3, 16, 10, 3, 1, 1, "3x3 convolution from 3 channels (an RGB input)"),
            new Probe(2, 16, 16, 9, 3, 2, 0, "3x3 convolution with stride 2 (a downsampler)"),
            new Probe(16, 16, 8, 6, 1, 1, 0, "1x1 convolution (a ResNet shortcut)"),
        };

        private OneDnnConvolutionCheck(string? forwardFault, string? backwardFault)
        {
            ForwardFault = forwardFault;
            BackwardFault = backwardFault;
        }

        /// <summary>What oneDNN's forward convolutions got wrong (the first such probe, in words); null when right.</summary>
        public string? ForwardFault { get; }

        /// <summary>What oneDNN's convolution gradients got wrong (the first such probe, in words); null when right.</summary>
        public string? BackwardFault { get; }

        /// <summary>Whether oneDNN's forward convolutions agreed with libtorch's own on every probe.</summary>
        public bool ForwardCorrect => ForwardFault == null;

        /// <summary>Whether oneDNN's convolution gradients (input, weight, bias) agreed with libtorch's own on every probe.</summary>
        public bool BackwardCorrect => BackwardFault == null;

        /// <summary>
        /// Runs the probes on one libtorch thread and at libtorch's current thread count, switching libtorch's process-wide oneDNN setting on and off
        /// while it runs and restoring it after. Call it where no other thread is computing with libtorch, or accept that
        /// such work may run on the other kernel for those milliseconds (results stay right either way).
        /// </summary>
        /// <param name="setOneDnn">Turns oneDNN on or off for the process; false when libtorch cannot (then nothing is checked).</param>
        /// <param name="oneDnnEnabled">Whether oneDNN is on now.</param>
        /// <returns>The outcome; with oneDNN unavailable or off, a check that found nothing wrong.</returns>
        public static OneDnnConvolutionCheck Run(Func<bool, bool> setOneDnn, bool oneDnnEnabled)
        {
            if (!oneDnnEnabled)
            {
                return new OneDnnConvolutionCheck(null, null);
            }

            int threads = get_num_threads();
            string? forward = null;
            string? backward = null;
            using var grad = enable_grad();
            try
            {
                // The fault seen came and went with the thread count and with how often a shape had run (on two threads
                // mostly on a shape's first call, on one thread on every call after that), so every probe runs a few
                // times on both.
                foreach (int count in threads > 1 ? new[] { threads, 1 } : new[] { 1 })
                {
                    set_num_threads(count);
                    for (int pass = 0; pass < Passes; pass++)
                    {
                        if (!RunProbes(setOneDnn, ref forward, ref backward))
                        {
                            return new OneDnnConvolutionCheck(null, null);
                        }
                    }
                }
            }
            finally
            {
                set_num_threads(threads);
            }

            return new OneDnnConvolutionCheck(forward, backward);
        }

        /// <summary>Runs every probe with oneDNN and without; false when oneDNN cannot be switched off.</summary>
        private static bool RunProbes(Func<bool, bool> setOneDnn, ref string? forward, ref string? backward)
        {
            using var generator = new Generator(20261206);
            foreach (Probe probe in Probes)
            {
                using var scope = NewDisposeScope();
                Tensor[] inputs = probe.Inputs(generator);
                Tensor[] actual = probe.Run(inputs);
                Tensor[] expected;
                if (!setOneDnn(false))
                {
                    return false;
                }

                try
                {
                    expected = probe.Run(inputs);
                }
                finally
                {
                    setOneDnn(true);
                }

                forward ??= probe.Compare(Probe.Quantities[0], expected[0], actual[0]);
                for (int i = 1; i < expected.Length && backward == null; i++)
                {
                    backward = probe.Compare(Probe.Quantities[i], expected[i], actual[i]);
                }
            }

            return true;
        }

        /// <summary>One convolution shape: batch, channels in and out, square input size, kernel, stride, padding.</summary>
        private sealed class Probe
        {
            public static readonly IReadOnlyList<string> Quantities = new[] { "forward output", "input gradient", "weight gradient", "bias gradient" };

            private readonly long[] _input;
            private readonly long[] _weight;
            private readonly long _stride;
            private readonly long _padding;
            private readonly string _what;

            public Probe(long batch, long inChannels, long outChannels, long size, long kernel, long stride, long padding, string what)
            {
                _input = new[] { batch, inChannels, size, size };
                _weight = new[] { outChannels, inChannels, kernel, kernel };
                _stride = stride;
                _padding = padding;
                _what = what;
            }

            /// <summary>Input, weight, bias and the output gradient, drawn from <paramref name="generator"/>.</summary>
            public Tensor[] Inputs(Generator generator)
            {
                long outSize = ((_input[2] + (2 * _padding) - _weight[2]) / _stride) + 1;
                return new[]
                {
                    randn(_input, generator: generator),
                    randn(_weight, generator: generator),
                    randn(new[] { _weight[0] }, generator: generator),
                    randn(new[] { _input[0], _weight[0], outSize, outSize }, generator: generator),
                };
            }

            /// <summary>The output and the gradients of input, weight and bias for the given output gradient.</summary>
            public Tensor[] Run(Tensor[] inputs)
            {
                Tensor x = inputs[0].detach().requires_grad_(true);
                Tensor w = inputs[1].detach().requires_grad_(true);
                Tensor b = inputs[2].detach().requires_grad_(true);
                Tensor y = nn.functional.conv2d(x, w, b, strides: new[] { _stride, _stride }, padding: new[] { _padding, _padding });
                y.backward(new[] { inputs[3] });
                return new[] { y.detach(), x.grad!.detach(), w.grad!.detach(), b.grad!.detach() };
            }

            /// <summary>Null when <paramref name="actual"/> is within tolerance of <paramref name="expected"/>, else the fault in words.</summary>
            public string? Compare(string quantity, Tensor expected, Tensor actual)
            {
                double scale = expected.abs().max().item<float>();
                double error = actual.isfinite().all().item<bool>() ? expected.sub(actual).abs().max().item<float>() : double.NaN;
                if (error <= RelativeTolerance * Math.Max(scale, 1e-6))
                {
                    return null;
                }

                string detail = double.IsNaN(error) ? "not finite" : $"off by {error:G3} where values reach {scale:G3}";
                return $"{quantity} of a {_what}, {_input[1]} to {_weight[0]} channels at batch {_input[0]} on {get_num_threads()} thread(s): {detail}";
            }
        }
    }
}
