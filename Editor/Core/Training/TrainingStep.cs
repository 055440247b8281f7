using System;
using System.Linq;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// One optimisation step of the DDPM recipe, with its host buffers kept from step to step: draw the batch (images,
    /// crops, augmentation, label dropout), its noise and its timesteps from (seed, step) alone; noise the images;
    /// predict ε, v or x0; take the (min-SNR weighted) MSE; backward; clip the gradient norm; AdamW. Since nothing but
    /// (seed, step) decides the randomness, a resumed run repeats an uninterrupted one.
    /// </summary>
    internal sealed class TrainingStep : IDisposable
    {
        private readonly ImageFolderDataset _data;
        private readonly UNet2DConfig _config;
        private readonly TrainingOptions _options;
        private readonly Tensor _alphasCumprod;
        private readonly Tensor _lossWeights;
        private readonly float[] _pixels;
        private readonly long[] _labels;
        private readonly int[] _indices;

        /// <summary>Prepares the step for <paramref name="config"/>'s sample shape and the options' batch size.</summary>
        /// <param name="alphasCumprod">ᾱ_t for every training timestep.</param>
        /// <param name="lossWeights">The loss weight of every training timestep (used when min-SNR weighting is on).</param>
        public TrainingStep(ImageFolderDataset data, UNet2DConfig config, TrainingOptions options, float[] alphasCumprod, float[] lossWeights)
        {
            _data = data;
            _config = config;
            _options = options;
            _alphasCumprod = tensor(alphasCumprod);
            _lossWeights = tensor(lossWeights);
            int batch = options.BatchSize;
            _pixels = new float[batch * config.InChannels * config.SampleSize * config.SampleSize];
            _labels = new long[batch];
            _indices = new int[batch];
        }

        /// <summary>Test hook: steps whose loss is taken as NaN once, when the step runs (nothing is updated then).</summary>
        public Func<long, bool>? PoisonLoss { get; set; }

        /// <summary>
        /// Test hook: the loss computation itself gives NaN whenever this says so for the step, recomputations included,
        /// as a kernel that misbehaves under some condition (a thread count, say) would.
        /// </summary>
        public Func<long, bool>? PoisonArithmetic { get; set; }

        /// <summary>
        /// Trains <paramref name="model"/> one step (step numbers start at 1) at <paramref name="learningRate"/>. Returns
        /// the loss and the gradient norm before clipping (0 when clipping is off). A non-finite loss updates nothing
        /// and leaves no gradient behind: the caller decides whether to skip or roll back.
        /// </summary>
        public (double Loss, double GradientNorm) Run(long step, UNet2D model, AdamW optimizer, Parameter[] parameters, double learningRate)
        {
            using torch.Generator generator = DrawStep(step);
            using var scope = NewDisposeScope();
            Tensor loss = Loss(step, model, generator);
            double value = loss.item<float>();
            if (PoisonLoss?.Invoke(step) == true)
            {
                value = double.NaN;
            }

            optimizer.ZeroGrad();
            if (!double.IsFinite(value))
            {
                return (value, 0);
            }

            loss.backward();
            double norm = _options.GradientClip > 0 ? nn.utils.clip_grad_norm_(parameters, _options.GradientClip) : 0;
            optimizer.Step(learningRate);
            return (value, norm);
        }

        /// <summary>
        /// Looks into a step whose loss was not finite, without changing anything: are the weights finite, and is the
        /// same step's loss (the same images, noise and timesteps) finite when computed again, and when computed on one
        /// libtorch thread? A loss that is non-finite once but finite again points at the arithmetic (a kernel that reads
        /// memory it did not write, or a race), not at the weights.
        /// </summary>
        public NonFiniteDiagnosis Diagnose(long step, UNet2D model)
        {
            string[] bad;
            using (NewDisposeScope())
            {
                bad = model.named_parameters().Where(p => !p.parameter.isfinite().all().item<bool>()).Select(p => p.name).ToArray();
            }

            double again = RecomputeLoss(step, model);
            int threads = torch.get_num_threads();
            double oneThread = again;
            if (threads > 1)
            {
                torch.set_num_threads(1);
                try
                {
                    oneThread = RecomputeLoss(step, model);
                }
                finally
                {
                    torch.set_num_threads(threads);
                }
            }

            return new NonFiniteDiagnosis(bad, again, threads, oneThread);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _alphasCumprod.Dispose();
            _lossWeights.Dispose();
        }

        /// <summary>SplitMix64's finaliser over (seed, step): an independent stream for every step.</summary>
        internal static ulong Mix(ulong seed, ulong step)
        {
            ulong z = seed + (step * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private double RecomputeLoss(long step, UNet2D model)
        {
            using torch.Generator generator = DrawStep(step);
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return Loss(step, model, generator).item<float>();
        }

        /// <summary>
        /// Draws step <paramref name="step"/>'s batch into the host buffers and returns the generator its noise and
        /// timesteps come from: both from (seed, step) alone. The generator is the step's own, not libtorch's global one,
        /// which anything else in the process (another model, a preview) may seed or draw from.
        /// </summary>
        private torch.Generator DrawStep(long step)
        {
            DrawBatch(new NoiseGenerator(Mix(_options.Seed, (ulong)step)));
            return new torch.Generator(Mix(_options.Seed ^ 0xD1B54A32D192ED03UL, (ulong)step) & 0x7FFFFFFFFFFFFFFFUL);
        }

        private void DrawBatch(NoiseGenerator random)
        {
            int batch = _indices.Length;
            for (int i = 0; i < batch; i++)
            {
                _indices[i] = (int)(random.NextUInt64() % (ulong)_data.Count);
            }

            _data.FillBatch(_indices, random, _pixels, _labels);
            if (_config.UnconditionalClass is int nullClass)
            {
                for (int i = 0; i < batch; i++)
                {
                    if (random.NextDouble() < _options.LabelDropout)
                    {
                        _labels[i] = nullClass;
                    }
                }
            }
        }

        /// <summary>The batch's loss as a scalar tensor (in the caller's dispose scope), with its graph for backward.</summary>
        private Tensor Loss(long step, UNet2D model, torch.Generator generator)
        {
            int batch = _indices.Length;
            Tensor x0 = tensor(_pixels, new long[] { batch, _config.InChannels, _config.SampleSize, _config.SampleSize });
            Tensor labels = tensor(_labels);
            Tensor noise = randn(x0.shape, generator: generator);
            Tensor t = randint(0, _options.TrainTimesteps, new long[] { batch }, dtype: ScalarType.Int64, generator: generator);
            Tensor ab = _alphasCumprod.index_select(0, t).view(batch, 1, 1, 1);
            Tensor sqrtAb = ab.sqrt();
            Tensor sqrtOneMinus = ab.Affine(-1, 1).sqrt();
            Tensor noisy = (sqrtAb * x0).Plus(sqrtOneMinus * noise);
            Tensor target = _options.PredictionType switch
            {
                PredictionType.VPrediction => (sqrtAb * noise) - (sqrtOneMinus * x0),
                PredictionType.Sample => x0,
                _ => noise,
            };

            Tensor prediction = model.forward(noisy, t.to_type(ScalarType.Float32), _config.IsClassConditional ? labels : null);
            Tensor perSample = (prediction - target).Squared().mean(new long[] { 1, 2, 3 });
            if (_options.MinSnrGamma > 0)
            {
                perSample = perSample * _lossWeights.index_select(0, t);
            }

            Tensor loss = perSample.mean();
            return PoisonArithmetic?.Invoke(step) == true ? loss.Times(double.NaN) : loss;
        }
    }
}
