using System;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Where the live preview's frames pass from the denoising thread to the page, over a
    /// <see cref="DenoisingFrameChannel"/>: <see cref="Publish"/> is the pipeline's per-step callback (the channel copies
    /// the step into its ring and returns at once, so denoising never waits for a page); <see cref="ReadAsync"/> gives
    /// the newest frame as images, skipping any the reader was too slow for (latest wins).
    /// </summary>
    internal sealed class PreviewFrameSource : IDisposable
    {
        private readonly DenoisingFrameChannel _channel = new DenoisingFrameChannel();
        private readonly DenoisingFrame _frame = new DenoisingFrame();
        private long _seen;
        private long _weightsStep;

        /// <summary>The training step of the weights being denoised (set before each preview).</summary>
        public long WeightsStep
        {
            get => Interlocked.Read(ref _weightsStep);
            set => Interlocked.Exchange(ref _weightsStep, value);
        }

        /// <summary>The pipeline's step callback.</summary>
        public void Publish(DenoisingStep step) => _channel.Publish(step);

        /// <summary>Waits for a frame newer than the last one read and returns its first image's x0 and x_t.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<PreviewFrame> ReadAsync(CancellationToken cancellation)
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (await _channel.WaitForFrameAsync(_seen, TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false)
                    && _channel.TryReadLatest(_seen, _frame))
                {
                    _seen = _frame.Sequence;
                    return new PreviewFrame(_frame.Index, _frame.Count, _frame.Timestep, WeightsStep,
                        FirstImage(_frame.PredictedOriginal), FirstImage(_frame.Latents));
                }
            }
        }

        public void Dispose() => _channel.Dispose();

        private RgbImage FirstImage(ReadOnlySpan<float> values)
        {
            var buffer = new TensorBuffer(1, _frame.Channels, _frame.Height, _frame.Width);
            values.Slice(0, buffer.Length).CopyTo(buffer.Span);
            return ImageConversion.ToImage(buffer, 0);
        }
    }
}
