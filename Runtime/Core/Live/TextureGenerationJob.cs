#nullable enable
using System;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// One texture generation running off the engine's main thread: the denoiser runs on a thread of its own and
    /// publishes every step into <see cref="Frames"/> (read on the main thread with a <see cref="LiveTextureFeed"/>);
    /// the main thread reads <see cref="StepsDone"/> for progress, may <see cref="Cancel"/>, and takes
    /// <see cref="Result"/> (or <see cref="Error"/>) once <see cref="IsCompleted"/>. Nothing here touches an engine API,
    /// so the same job serves a component, an editor window and a test.
    /// </summary>
    public sealed class TextureGenerationJob : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new CancellationTokenSource();
        private readonly Task<GeneratedTextures> _task;
        private int _stepsDone;

        private TextureGenerationJob(TextureGenerator generator, TextureRequest request, int frameCapacity)
        {
            Request = request;
            Frames = new DenoisingFrameChannel(frameCapacity);
            _task = Task.Factory.StartNew(() => Run(generator), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        /// <summary>The request being generated.</summary>
        public TextureRequest Request { get; }

        /// <summary>Every denoising step, newest wins; completed when the generation ends (done, failed or cancelled).</summary>
        public DenoisingFrameChannel Frames { get; }

        /// <summary>Denoising steps finished so far (0 to <see cref="TextureRequest.Steps"/>).</summary>
        public int StepsDone => Volatile.Read(ref _stepsDone);

        /// <summary>Progress in [0, 1].</summary>
        public float Progress => Math.Min(1f, StepsDone / (float)Math.Max(1, Request.Steps));

        /// <summary>Whether the generation has ended: finished, failed or cancelled.</summary>
        public bool IsCompleted => _task.IsCompleted;

        /// <summary>Whether it ended because <see cref="Cancel"/> was called.</summary>
        public bool IsCancelled => _task.IsFaulted && _task.Exception!.GetBaseException() is OperationCanceledException && _cancel.IsCancellationRequested;

        /// <summary>The textures and their recipes once it finished; null before, or when it failed or was cancelled.</summary>
        public GeneratedTextures? Result => _task.Status == TaskStatus.RanToCompletion ? _task.Result : null;

        /// <summary>Why it failed (the model or request was refused, the model threw); null otherwise.</summary>
        public Exception? Error => _task.IsFaulted && !IsCancelled ? _task.Exception!.GetBaseException() : null;

        /// <summary>The generation as a task, for hosts that await (a cancelled one faults with <see cref="OperationCanceledException"/>).</summary>
        public Task<GeneratedTextures> Completion => _task;

        /// <summary>
        /// Starts generating <paramref name="request"/> with <paramref name="generator"/> on a thread of its own. The
        /// generator must not be used by anything else until the job completes (one generation at a time per model).
        /// <paramref name="frameCapacity"/> is the number of slots of the frame ring (see <see cref="DenoisingFrameChannel"/>).
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public static TextureGenerationJob Start(TextureGenerator generator, TextureRequest request, int frameCapacity = DenoisingFrameChannel.DefaultCapacity)
        {
            if (generator == null)
            {
                throw new ArgumentNullException(nameof(generator));
            }

            return new TextureGenerationJob(generator, request ?? throw new ArgumentNullException(nameof(request)), frameCapacity);
        }

        /// <summary>Asks the generation to stop; it ends at the next step (<see cref="IsCancelled"/> then reads true).</summary>
        public void Cancel()
        {
            try
            {
                _cancel.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        /// <summary>Waits up to <paramref name="timeout"/> for the generation to end; true when it has.</summary>
        public bool Wait(TimeSpan timeout) => ((IAsyncResult)_task).AsyncWaitHandle.WaitOne(timeout);

        /// <summary>Cancels the generation if it is still running, waits for it to end, and frees the frame ring.</summary>
        public void Dispose()
        {
            Cancel();
            ((IAsyncResult)_task).AsyncWaitHandle.WaitOne();
            Frames.Dispose();
            _cancel.Dispose();
        }

        private GeneratedTextures Run(TextureGenerator generator)
        {
            try
            {
                return generator.Generate(Request, step =>
                {
                    Frames.Publish(step);
                    Volatile.Write(ref _stepsDone, step.Index + 1);
                }, _cancel.Token);
            }
            finally
            {
                Frames.Complete();
            }
        }
    }
}
