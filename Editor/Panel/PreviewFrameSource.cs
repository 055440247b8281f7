using System;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Where the live preview's frames pass from the denoising thread to the page: <see cref="Publish"/> is the
    /// pipeline's per-step callback (it copies the step and returns at once, so denoising never waits for a page);
    /// <see cref="ReadAsync"/> gives the newest frame, skipping any the reader was too slow for (latest wins).
    /// This is the one place that knows how frames travel.
    /// </summary>
    internal sealed class PreviewFrameSource
    {
        private readonly SemaphoreSlim _signal = new SemaphoreSlim(0, 1);
        private PreviewFrame? _latest;

        /// <summary>The training step of the weights being denoised (set before each preview).</summary>
        public long WeightsStep { get; set; }

        /// <summary>The pipeline's step callback: copies x0 and x_t of the first image.</summary>
        public void Publish(DenoisingStep step)
        {
            var frame = new PreviewFrame(step.Index, step.Count, step.Timestep, WeightsStep,
                ImageConversion.ToImage(step.PredictedOriginal, 0), ImageConversion.ToImage(step.Latents, 0));
            Interlocked.Exchange(ref _latest, frame);
            if (_signal.CurrentCount == 0)
            {
                try
                {
                    _signal.Release();
                }
                catch (SemaphoreFullException)
                {
                    // Already signalled: the reader will take the newest frame.
                }
            }
        }

        /// <summary>Waits for a frame newer than the last one read and returns it.</summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public async Task<PreviewFrame> ReadAsync(CancellationToken cancellation)
        {
            while (true)
            {
                await _signal.WaitAsync(cancellation).ConfigureAwait(false);
                PreviewFrame? frame = Interlocked.Exchange(ref _latest, null);
                if (frame != null)
                {
                    return frame;
                }
            }
        }
    }
}
