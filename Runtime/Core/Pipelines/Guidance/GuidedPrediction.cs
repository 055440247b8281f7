#nullable enable
using System;
using LiveDiffusion.Models;

namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>
    /// The buffers and model calls of one generation's guided steps: the scaled latents of the step, the rows a model
    /// call gets (conditional rows first, then, for classifier-free guidance, unconditional ones), conditioning channels
    /// that stay fixed over the loop (an inpainting mask and masked-image latents, or a depth map), the latent roll of
    /// seamless generation, and the outputs. Everything is allocated up front, for the rows the guider will ask for;
    /// a step allocates nothing. Not thread-safe.
    /// </summary>
    internal sealed class GuidedPrediction
    {
        private readonly IDenoiser _model;
        private readonly IDenoiser? _guide;
        private readonly TensorBuffer? _fixedChannels;
        private readonly LatentRoll? _roll;
        private readonly DenoiserInput? _conditional;
        private readonly DenoiserInput? _both;
        private readonly TensorBuffer? _batchedOutput;
        private readonly TensorBuffer? _guideOutput;

        /// <summary>Prepares the buffers for <paramref name="guider"/> over latents shaped like <paramref name="latents"/>.</summary>
        /// <param name="guider">The guider that will run the steps: it decides which rows and outputs are needed.</param>
        /// <param name="model">The model; its input has the latents' channels plus <paramref name="fixedChannels"/>' channels.</param>
        /// <param name="guide">The weaker model of autoguidance; null for the other guiders.</param>
        /// <param name="latents">The latents (its shape: images, channels, height, width).</param>
        /// <param name="fixedChannels">Per-image conditioning channels appended to every row, or null.</param>
        /// <param name="condition">Sets an input's conditioning for its rows: the conditional rows alone, or followed by the unconditional ones.</param>
        /// <param name="roll">The latent roll of seamless generation, or null.</param>
        /// <exception cref="ArgumentException">Autoguidance without a guide model.</exception>
        public GuidedPrediction(Guider guider, IDenoiser model, IDenoiser? guide, TensorBuffer latents, TensorBuffer? fixedChannels,
            Action<DenoiserInput, bool> condition, LatentRoll? roll)
        {
            if (guider.UsesGuideModel && guide == null)
            {
                throw new ArgumentException("Autoguidance needs a guide model.", nameof(guide));
            }

            _model = model;
            _guide = guider.UsesGuideModel ? guide : null;
            _fixedChannels = fixedChannels;
            _roll = roll;
            Count = latents.Batch;
            Scaled = latents.CreateLike();
            Prediction = new TensorBuffer(Count, model.Info.OutChannels, latents.Height, latents.Width);
            if (guider.RowsPerImage == 1 || guider.Interval != null)
            {
                _conditional = Input(Count, model.Info.InChannels, latents, condition, withUnconditional: false);
            }

            if (guider.RowsPerImage == 2)
            {
                _both = Input(2 * Count, model.Info.InChannels, latents, condition, withUnconditional: true);
                _batchedOutput = new TensorBuffer(2 * Count, model.Info.OutChannels, latents.Height, latents.Width);
            }

            _guideOutput = _guide != null ? Prediction.CreateLike() : null;
        }

        /// <summary>Number of images.</summary>
        public int Count { get; }

        /// <summary>This step's scaled latents (the scheduler writes them before the guider runs).</summary>
        public TensorBuffer Scaled { get; }

        /// <summary>This step's prediction, one row per image: what the scheduler steps with.</summary>
        public TensorBuffer Prediction { get; }

        /// <summary>The output of a call with unconditional rows: conditional rows, then unconditional ones.</summary>
        public TensorBuffer BatchedOutput => _batchedOutput ?? throw new InvalidOperationException("This guider batches no unconditional rows.");

        /// <summary>The guide model's output (autoguidance).</summary>
        public TensorBuffer GuideOutput => _guideOutput ?? throw new InvalidOperationException("This guider runs no guide model.");

        /// <summary>
        /// Runs the model at <paramref name="timestep"/> on the scaled latents (one row per image, or two with
        /// <paramref name="withUnconditional"/>) into <paramref name="output"/>, and the guide model on the same rows into
        /// <paramref name="guideOutput"/> when given. The rows are rolled before the calls and the outputs rolled back.
        /// </summary>
        public void RunModel(float timestep, bool withUnconditional, TensorBuffer output, TensorBuffer? guideOutput = null)
        {
            DenoiserInput input = (withUnconditional ? _both : _conditional) ?? throw new InvalidOperationException(
                withUnconditional ? "This guider batches no unconditional rows." : "This guider runs no conditional rows alone.");
            TensorBuffer sample = input.Sample;
            int latentLength = Scaled.ItemLength;
            for (int row = 0; row < sample.Batch; row++)
            {
                Span<float> item = sample.Item(row);
                Scaled.Item(row % Count).CopyTo(item);
                _fixedChannels?.Item(row % Count).CopyTo(item.Slice(latentLength));
            }

            _roll?.Forward(sample);
            input.Timestep = timestep;
            _model.Predict(input, output);
            _roll?.Back(output);
            if (guideOutput != null)
            {
                _guide!.Predict(input, guideOutput);
                _roll?.Back(guideOutput);
            }
        }

        private static DenoiserInput Input(int rows, int channels, TensorBuffer latents, Action<DenoiserInput, bool> condition, bool withUnconditional)
        {
            var input = new DenoiserInput(new TensorBuffer(rows, channels, latents.Height, latents.Width));
            condition(input, withUnconditional);
            return input;
        }
    }
}
