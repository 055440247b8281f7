using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Denoises one image again and again with the newest EMA weights of a run in training, on its own thread, and
    /// hands every step's frame to the page. Fresh weights are copied on the training thread between two steps
    /// (<see cref="OnEmaUpdated"/>), only when the previous preview has finished, so a preview never sees weights
    /// change under it. Seed and step count are fixed, so successive previews differ only by the weights.
    /// </summary>
    internal sealed class LivePreview : IDisposable
    {
        private readonly TrainingOptions _options;
        private readonly Action<PreviewFrame> _sink;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly ManualResetEventSlim _weightsReady = new ManualResetEventSlim(false);
        private readonly PreviewFrameSource _frames = new PreviewFrameSource();
        private readonly UNet2D _model;
        private readonly (Parameter Target, string Name)[] _targets;
        private Thread? _thread;
        private Task? _forward;
        private int _wanted;
        private long _weightsStep;

        /// <param name="config">The run's UNet configuration.</param>
        /// <param name="options">The run's recipe (prediction type, noise schedule, sampling steps).</param>
        /// <param name="sink">Receives frames on a pool thread, at most about 12 a second.</param>
        public LivePreview(UNet2DConfig config, TrainingOptions options, Action<PreviewFrame> sink)
        {
            _options = options;
            _sink = sink;
            _model = new UNet2D(config);
            _model.eval();
            _targets = _model.named_parameters().Select(p => (p.parameter, p.name)).ToArray();
            foreach ((Parameter target, string _) in _targets)
            {
                target.requires_grad_(false);
            }
        }

        /// <summary>Pause between two previews, so that training keeps most of the CPU.</summary>
        public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(400);

        /// <summary>Starts the preview thread and the frame forwarder.</summary>
        public void Start()
        {
            _thread = new Thread(Loop) { IsBackground = true, Name = "LiveDiffusion panel preview", Priority = ThreadPriority.BelowNormal };
            _thread.Start();
            _forward = Task.Run(ForwardAsync);
        }

        /// <summary>The trainer's <see cref="DiffusionTrainer.EmaUpdated"/> handler (training thread): copies the weights when the preview wants new ones.</summary>
        public void OnEmaUpdated(long step, UNet2D ema)
        {
            if (Volatile.Read(ref _wanted) == 0)
            {
                return;
            }

            using (no_grad())
            {
                foreach (((Parameter target, string _), (string _, Parameter source)) in _targets.Zip(ema.named_parameters()))
                {
                    target.copy_(source);
                }
            }

            _weightsStep = step;
            Volatile.Write(ref _wanted, 0);
            _weightsReady.Set();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread?.Join(TimeSpan.FromSeconds(30));
            try
            {
                _forward?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            if (_thread == null || !_thread.IsAlive)
            {
                _model.Dispose();
                _frames.Dispose();
            }
        }

        private void Loop()
        {
            try
            {
                using var denoiser = new TorchDenoiser(_model, ownsModel: false, _options.PredictionType);
                var pipeline = new UnconditionalPipeline(denoiser, DiffusionTrainer.TrainingScheduler(_options).ConvertTo("DDIMScheduler").CreateScheduler());
                while (!_stop.IsCancellationRequested)
                {
                    _weightsReady.Reset();
                    Volatile.Write(ref _wanted, 1);
                    _weightsReady.Wait(_stop.Token);
                    _frames.WeightsStep = _weightsStep;
                    pipeline.Generate(new GenerationOptions { Count = 1, Seed = 0, Steps = Math.Min(_options.SampleSteps, 25) }, _frames.Publish, _stop.Token);
                    _stop.Token.WaitHandle.WaitOne(Interval);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ForwardAsync()
        {
            try
            {
                while (true)
                {
                    PreviewFrame frame = await _frames.ReadAsync(_stop.Token).ConfigureAwait(false);
                    _sink(frame);
                    await Task.Delay(80, _stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
