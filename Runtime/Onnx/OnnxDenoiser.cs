#nullable enable
using System;
using System.Collections.Generic;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// Runs a UNet through ONNX Runtime as an <see cref="IDenoiser"/>: LiveDiffusion's own exports and diffusers /
    /// Optimum Stable Diffusion exports alike. Input names, element types and ranks come from the session metadata:
    /// the timestep may be a scalar, [1] or [batch], float or int64; the sample and text embeddings float or float16;
    /// class labels int32 or int64. Every argument is preallocated and refilled, so steps allocate nothing new.
    /// </summary>
    public sealed class OnnxDenoiser : IDenoiser
    {
        private readonly OnnxModel _model;
        private readonly bool _ownsModel;
        private readonly OnnxTensorValue _sample;
        private readonly OnnxTensorValue _timestep;
        private readonly OnnxTensorValue? _text;
        private readonly OnnxTensorValue? _labels;
        private readonly OnnxTensorValue _output;
        private readonly string[] _inputNames;
        private readonly OrtValue[] _inputValues;
        private readonly string[] _outputNames;
        private readonly OrtValue[] _outputValues = new OrtValue[1];
        private readonly RunOptions _runOptions = new RunOptions();
        private float[] _timesteps = Array.Empty<float>();

        /// <summary>Wraps <paramref name="model"/>, described by <paramref name="info"/>; when <paramref name="ownsModel"/>, disposing the denoiser disposes it.</summary>
        /// <exception cref="ModelConfigException">The model lacks an input <paramref name="info"/> calls for (the message names the file and its inputs).</exception>
        public OnnxDenoiser(OnnxModel model, DenoiserInfo info, bool ownsModel = false)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            _ownsModel = ownsModel;
            Info = info ?? throw new ArgumentNullException(nameof(info));
            _sample = new OnnxTensorValue(model.RequireInput("sample", "sample"));
            _timestep = new OnnxTensorValue(model.RequireInput("timestep", "timestep", "t", "timesteps"));
            var names = new List<string> { _sample.Spec.Name, _timestep.Spec.Name };
            if (info.TextEmbeddingWidth > 0)
            {
                _text = new OnnxTensorValue(model.RequireInput("text embeddings", "encoder_hidden_states"));
                names.Add(_text.Spec.Name);
            }

            if (info.ClassCount > 0)
            {
                _labels = new OnnxTensorValue(model.RequireInput("class labels", "class_labels"));
                names.Add(_labels.Spec.Name);
            }

            _inputNames = names.ToArray();
            _inputValues = new OrtValue[_inputNames.Length];
            _output = new OnnxTensorValue(model.RequireOutput("prediction", "out_sample", "noise_pred"));
            _outputNames = new[] { _output.Spec.Name };
            OnnxTensorSpec sample = _sample.Spec;
            if (sample.Fixed(1) is long channels && channels != info.InChannels)
            {
                throw new ModelConfigException($"{model.Name} takes {channels}-channel samples, but its configuration says in_channels = {info.InChannels}: the ONNX file and config.json are from different models.");
            }
        }

        /// <inheritdoc />
        public DenoiserInfo Info { get; }

        /// <summary>The session and its execution provider.</summary>
        public OnnxModel Model => _model;

        /// <summary>
        /// Opens a LiveDiffusion model folder's exported UNet (<c>unet/model.onnx</c>, written by
        /// <c>livediffusion export</c>), described by its <c>unet/config.json</c>.
        /// </summary>
        /// <exception cref="ModelConfigException">unet/model.onnx is missing or unloadable, or does not match the config.</exception>
        public static OnnxDenoiser Load(ModelFolder folder, OnnxSessionSettings? settings = null)
        {
            if (!System.IO.File.Exists(folder.OnnxPath))
            {
                throw new ModelConfigException($"{folder.OnnxPath} not found: export the model first (livediffusion export --model {folder.Path}).");
            }

            OnnxModel model = OnnxModel.Load(folder.OnnxPath, settings);
            try
            {
                return new OnnxDenoiser(model, DenoiserInfo.For(folder.UNet, folder.Scheduler.PredictionType, "onnx"), ownsModel: true);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public void Predict(DenoiserInput input, TensorBuffer output)
        {
            TensorBuffer sample = input.Sample;
            int batch = sample.Batch;
            if (sample.Channels != Info.InChannels)
            {
                throw new ArgumentException($"The model takes {Info.InChannels} channels; the sample has {sample.Channels}.", nameof(input));
            }

            if (output.Batch != batch || output.Channels != Info.OutChannels || output.Height != sample.Height || output.Width != sample.Width)
            {
                throw new ArgumentException($"Output must be [{batch}, {Info.OutChannels}, {sample.Height}, {sample.Width}], not {output.ShapeString}.", nameof(output));
            }

            _sample.Shape(batch, sample.Channels, sample.Height, sample.Width);
            _sample.Set(sample.Span);
            FillTimestep(input.Timestep, batch);
            int next = 2;
            if (_text != null)
            {
                TextEmbeddings text = input.EncoderHiddenStates ?? throw new ArgumentException("This UNet is text-conditioned: set EncoderHiddenStates.", nameof(input));
                if (text.Batch != batch)
                {
                    throw new ArgumentException($"{text.Batch} text embeddings for a batch of {batch}.", nameof(input));
                }

                _text.Shape(text.Batch, text.Tokens, text.Width);
                _text.Set(text.Array);
                _inputValues[next++] = _text.Value!;
            }

            if (_labels != null)
            {
                int[] labels = input.ClassLabels ?? throw new ArgumentException("This model is class-conditional: set ClassLabels.", nameof(input));
                if (labels.Length != batch)
                {
                    throw new ArgumentException($"{labels.Length} class labels for a batch of {batch}.", nameof(input));
                }

                _labels.Shape(batch);
                _labels.Set(labels);
                _inputValues[next] = _labels.Value!;
            }

            _inputValues[0] = _sample.Value!;
            _inputValues[1] = _timestep.Value!;
            _output.Shape(batch, Info.OutChannels, sample.Height, sample.Width);
            _outputValues[0] = _output.Value!;
            _model.Session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
            _output.CopyTo(output.Span);
        }

        private void FillTimestep(float timestep, int batch)
        {
            // Exports disagree: a scalar (rank 0), [1], or one per batch item.
            OnnxTensorSpec spec = _timestep.Spec;
            int count = spec.Rank == 0 || spec.Fixed(0) == 1 ? 1 : batch;
            if (spec.Rank == 0)
            {
                _timestep.Shape();
            }
            else
            {
                _timestep.Shape(count);
            }

            if (_timesteps.Length != count)
            {
                _timesteps = new float[count];
            }

            _timesteps.AsSpan().Fill(timestep);
            _timestep.Set(_timesteps);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _sample.Dispose();
            _timestep.Dispose();
            _text?.Dispose();
            _labels?.Dispose();
            _output.Dispose();
            _runOptions.Dispose();
            if (_ownsModel)
            {
                _model.Dispose();
            }
        }
    }
}
