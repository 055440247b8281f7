using System;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>
    /// Runs a <see cref="UNet2D"/> as an <see cref="IDenoiser"/>: inference mode (no autograd), eval mode, and input
    /// tensors allocated once per shape and refilled each call.
    /// </summary>
    public sealed class TorchDenoiser : IDenoiser
    {
        private readonly UNet2D _unet;
        private readonly bool _ownsModel;
        private Tensor? _sample;
        private Tensor? _timesteps;
        private Tensor? _labels;
        private float[]? _timestepValues;
        private long[]? _labelValues;

        /// <summary>Wraps <paramref name="unet"/>; when <paramref name="ownsModel"/>, disposing the denoiser disposes it.</summary>
        public TorchDenoiser(UNet2D unet, bool ownsModel = false, PredictionType predictionType = PredictionType.Epsilon)
        {
            _unet = unet ?? throw new ArgumentNullException(nameof(unet));
            _ownsModel = ownsModel;
            Info = DenoiserInfo.For(unet.Config, predictionType, "torch");
        }

        /// <summary>Loads a model's <c>unet/</c> folder and owns the network.</summary>
        public static TorchDenoiser Load(string unetFolder, PredictionType predictionType = PredictionType.Epsilon) =>
            new TorchDenoiser(UNet2D.Load(unetFolder), ownsModel: true, predictionType);

        /// <inheritdoc />
        public DenoiserInfo Info { get; }

        /// <summary>The network.</summary>
        public UNet2D Model => _unet;

        /// <inheritdoc />
        public void Predict(DenoiserInput input, TensorBuffer output)
        {
            TensorBuffer sample = input.Sample;
            if (sample.Channels != Info.InChannels)
            {
                throw new ArgumentException($"The model takes {Info.InChannels} channels; the sample has {sample.Channels}.", nameof(input));
            }

            if (output.Batch != sample.Batch || output.Channels != Info.OutChannels || output.Height != sample.Height || output.Width != sample.Width)
            {
                throw new ArgumentException($"Output must be [{sample.Batch}, {Info.OutChannels}, {sample.Height}, {sample.Width}], not {output.ShapeString}.", nameof(output));
            }

            EnsureInputs(sample);
            _sample!.data<float>().CopyFrom(sample.Array);
            Array.Fill(_timestepValues!, input.Timestep);
            _timesteps!.data<float>().CopyFrom(_timestepValues!);
            if (Info.ClassCount > 0)
            {
                int[] labels = input.ClassLabels ?? throw new ArgumentException("This model is class-conditional: set ClassLabels.", nameof(input));
                if (labels.Length != sample.Batch)
                {
                    throw new ArgumentException($"{labels.Length} class labels for a batch of {sample.Batch}.", nameof(input));
                }

                for (int i = 0; i < labels.Length; i++)
                {
                    _labelValues![i] = labels[i];
                }

                _labels!.data<long>().CopyFrom(_labelValues!);
            }

            bool wasTraining = _unet.training;
            if (wasTraining)
            {
                _unet.eval();
            }

            try
            {
                using (inference_mode())
                using (NewDisposeScope())
                {
                    Tensor result = _unet.forward(_sample, _timesteps, Info.ClassCount > 0 ? _labels : null).contiguous();
                    result.data<float>().CopyTo(output.Array);
                }
            }
            finally
            {
                if (wasTraining)
                {
                    _unet.train();
                }
            }
        }

        private void EnsureInputs(TensorBuffer sample)
        {
            if (_sample is not null && _sample.shape[0] == sample.Batch && _sample.shape[2] == sample.Height && _sample.shape[3] == sample.Width)
            {
                return;
            }

            DisposeInputs();
            _sample = zeros(sample.Batch, sample.Channels, sample.Height, sample.Width);
            _timesteps = zeros(sample.Batch);
            _timestepValues = new float[sample.Batch];
            _labels = zeros(sample.Batch, dtype: ScalarType.Int64);
            _labelValues = new long[sample.Batch];
        }

        private void DisposeInputs()
        {
            _sample?.Dispose();
            _timesteps?.Dispose();
            _labels?.Dispose();
            _sample = _timesteps = _labels = null;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            DisposeInputs();
            if (_ownsModel)
            {
                _unet.Dispose();
            }
        }
    }
}
