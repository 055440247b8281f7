using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// Trains a <see cref="UNet2D"/> on an <see cref="ImageFolderDataset"/> with the DDPM recipe: noise the images
    /// at random timesteps, predict the noise (or v), minimise the (min-SNR weighted) MSE with AdamW under a cosine
    /// schedule with warm-up, clip gradients, keep an EMA of the weights. Writes into the output folder:
    /// <c>checkpoints/</c> (atomic, keep-last-N), <c>samples/step-N.png</c> (EMA sample grids with fixed seeds),
    /// <c>train_log.jsonl</c> and <c>model/</c> (the EMA weights in diffusers' layout, refreshed at each checkpoint).
    /// Every step's randomness is derived from (seed, step), so a resumed run continues exactly as an uninterrupted one.
    /// </summary>
    public sealed class DiffusionTrainer
    {
        private static readonly JsonSerializerOptions OptionsJson = new JsonSerializerOptions { WriteIndented = false };
        private readonly ImageFolderDataset _data;
        private readonly UNet2DConfig _config;
        private readonly TrainingOptions _options;
        private readonly SchedulerConfig _schedulerConfig;
        private readonly float[] _alphasCumprod;
        private readonly float[] _lossWeights;
        private readonly ManualResetEventSlim _running = new ManualResetEventSlim(true);
        private readonly AutoResetEvent _saveSignal = new AutoResetEvent(false);
        private int _saveRequested;

        /// <summary>Prepares a run; nothing is trained until <see cref="Run"/>.</summary>
        public DiffusionTrainer(ImageFolderDataset data, UNet2DConfig config, TrainingOptions options, string outputFolder)
        {
            _data = data ?? throw new ArgumentNullException(nameof(data));
            ArgumentNullException.ThrowIfNull(config);
            _options = options ?? throw new ArgumentNullException(nameof(options));
            OutputFolder = Path.GetFullPath(outputFolder);
            config.Validate();
            if (data.ClassNames.Count > 0 && config.ClassNames.Count == 0)
            {
                // A hand-written config (train --unet-config) names no classes: take the dataset's, or the model would
                // have no "no class" embedding and label dropout (what guidance needs) would silently not happen.
                config = config with { ClassNames = data.ClassNames.ToArray() };
            }
            else if (data.ClassNames.Count > 0 && !config.ClassNames.SequenceEqual(data.ClassNames, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"The model's class_names ({string.Join(", ", config.ClassNames)}) are not the dataset's classes ({string.Join(", ", data.ClassNames)}, its subfolders). Drop class_names from the config to take the dataset's, or train on the data it names.", nameof(config));
            }

            _config = config;
            if (config.SampleSize != data.Options.Size || config.InChannels != data.Options.Channels || config.OutChannels != data.Options.Channels)
            {
                throw new ArgumentException($"The model takes {config.InChannels}x{config.SampleSize}x{config.SampleSize} samples; the dataset gives {data.Options.Channels}x{data.Options.Size}x{data.Options.Size}.", nameof(config));
            }

            if (data.ClassNames.Count > 0 && config.NumClassEmbeds != data.ClassNames.Count + 1)
            {
                throw new ArgumentException($"The dataset has {data.ClassNames.Count} classes; the model needs num_class_embeds = {data.ClassNames.Count + 1} (one per class plus 'no class').", nameof(config));
            }

            if (options.BatchSize < 1 || options.Steps < 1 || options.LearningRate <= 0)
            {
                throw new ArgumentException("Steps, batch size and learning rate must be positive.", nameof(options));
            }

            _schedulerConfig = TrainingScheduler(options);
            IReadOnlyList<double> alphasCumprod = _schedulerConfig.CreateScheduler().AlphasCumprod;
            _alphasCumprod = alphasCumprod.Select(a => (float)a).ToArray();
            _lossWeights = LossWeighting.MinSnr(alphasCumprod, options.PredictionType, options.MinSnrGamma, options.MinSnrFloor ?? LossWeighting.DefaultFloor(options.PredictionType))
                .Select(w => (float)w).ToArray();
        }

        /// <summary>After every step.</summary>
        public event Action<TrainingStatus>? StepCompleted;

        /// <summary>Notable events in words: checkpoints, sample grids, skipped steps, rollbacks.</summary>
        public event Action<string>? Message;

        /// <summary>After each sample grid is written, with its path and step.</summary>
        public event Action<string, long>? SampleGridWritten;

        /// <summary>After each checkpoint is written, with its path and step.</summary>
        public event Action<string, long>? CheckpointWritten;

        /// <summary>
        /// After every step, on the training thread, with the step and the EMA network (for live previews). The network
        /// is the trainer's own: copy the weights you need and return quickly; never keep, change or dispose it.
        /// </summary>
        public event Action<long, UNet2D>? EmaUpdated;

        /// <summary>Where everything is written.</summary>
        public string OutputFolder { get; }

        /// <summary>The checkpoint folder.</summary>
        public string CheckpointFolder => Path.Combine(OutputFolder, "checkpoints");

        /// <summary>The model folder (EMA weights, diffusers layout).</summary>
        public string ModelFolderPath => Path.Combine(OutputFolder, "model");

        /// <summary>Whether the run is paused.</summary>
        public bool IsPaused => !_running.IsSet;

        /// <summary>Test hook: steps for which the loss is replaced by NaN.</summary>
        internal Func<long, bool>? PoisonLoss { get; set; }

        /// <summary>Test hook: steps at which the loss computation itself gives NaN, whenever it runs (see <see cref="TrainingStep.PoisonArithmetic"/>).</summary>
        internal Func<long, bool>? PoisonArithmetic { get; set; }

        /// <summary>Pauses after the current step (the run waits; cancellation still works).</summary>
        public void Pause() => _running.Reset();

        /// <summary>Resumes a paused run.</summary>
        public void Resume() => _running.Set();

        /// <summary>Asks for a checkpoint after the current step (at once when paused).</summary>
        public void RequestSave()
        {
            Interlocked.Exchange(ref _saveRequested, 1);
            _saveSignal.Set();
        }

        /// <summary>
        /// The scheduler configuration a model trained with <paramref name="options"/> uses (and is exported with).
        /// v- and sample-prediction models sample with trailing timesteps, which start at t = T - 1 where the noise
        /// holds no signal and such a model predicts the image itself; ε-models keep diffusers' leading spacing, since
        /// an ε estimate says little about the image at t = T - 1. On a 3000-step built-in texture model (v) trailing gives a
        /// Fréchet distance of 1.32 against 5.24 with leading (DDIM 25 steps); on its ε predecessor leading was the
        /// better one (8.39 against 8.96). The configuration also asks the σ-based samplers that can use them (DPM-Solver++,
        /// Euler) for Karras σs: on the 11000-step built-in model DPM-Solver++ 2M with them reaches 0.70 in 25 steps
        /// against 0.86 without and 1.01 for DDIM 25 steps.
        /// </summary>
        public static SchedulerConfig TrainingScheduler(TrainingOptions options) => SchedulerConfig.Parse(new JsonObject
        {
            ["_class_name"] = "DDPMScheduler",
            ["num_train_timesteps"] = options.TrainTimesteps,
            ["beta_schedule"] = options.BetaSchedule,
            ["beta_start"] = 0.0001,
            ["beta_end"] = 0.02,
            ["prediction_type"] = options.PredictionType switch
            {
                PredictionType.VPrediction => "v_prediction",
                PredictionType.Sample => "sample",
                _ => "epsilon",
            },
            ["clip_sample"] = true,
            ["variance_type"] = "fixed_small",
            ["timestep_spacing"] = options.PredictionType == PredictionType.Epsilon ? "leading" : "trailing",
            ["use_karras_sigmas"] = true,
        }.ToJsonString(), "training options");

        /// <summary>
        /// Trains until <see cref="TrainingOptions.Steps"/> or cancellation (which stops after the current step and
        /// saves a checkpoint). <paramref name="resume"/> continues a run from its checkpoint.
        /// </summary>
        /// <remarks>
        /// <see cref="TrainingOptions.Threads"/> above 0 sets libtorch's thread count for the run, and a run that falls back
        /// to one thread (see the non-finite policy) changes it too; it is restored afterwards either way: the count is
        /// process-wide, and other work in the process (a panel, parallel tests) reads it too. Where libtorch's oneDNN
        /// convolutions give wrong gradients on this CPU (<see cref="LibTorchSettings.TrainingNote"/>), the run holds them
        /// off and says so first.
        /// </remarks>
        public TrainingResult Run(Checkpoint? resume = null, CancellationToken cancellation = default)
        {
            using IDisposable kernels = LibTorchSettings.ForTraining();
            if (LibTorchSettings.TrainingNote is string note)
            {
                Say(note);
            }

            int before = torch.get_num_threads();
            if (_options.Threads > 0)
            {
                torch.set_num_threads(_options.Threads);
            }

            try
            {
                return RunSteps(resume, cancellation);
            }
            finally
            {
                if (torch.get_num_threads() != before)
                {
                    torch.set_num_threads(before);
                }
            }
        }

        private TrainingResult RunSteps(Checkpoint? resume, CancellationToken cancellation)
        {
            Directory.CreateDirectory(OutputFolder);
            int cleaned = AtomicFile.CleanUp(CheckpointFolder);
            if (cleaned > 0)
            {
                Say($"Removed {cleaned} partial checkpoint file(s) left by an interrupted write.");
            }

            string optionsJson = JsonSerializer.Serialize(_options, OptionsJson);
            WarnAboutUntrainedTimesteps();
            using var networks = new Networks(_config, _options);
            var run = new RunState(optionsJson);
            if (resume != null)
            {
                CheckCompatible(resume);
                resume.Restore(networks.Model, networks.Ema, networks.Optimizer);
                (run.Step, run.LearningRateScale, run.ElapsedBefore, run.LastCheckpoint) = (resume.Step, resume.LearningRateScale, resume.ElapsedSeconds, resume.Path);
                Say($"Resumed from {resume.Path} at step {run.Step}.");
            }

            WriteRunInfo(optionsJson, networks.Model.ParameterCount);
            using var trainingStep = new TrainingStep(_data, _config, _options, _alphasCumprod, _lossWeights) { PoisonLoss = PoisonLoss, PoisonArithmetic = PoisonArithmetic };
            using var log = new StreamWriter(new FileStream(Path.Combine(OutputFolder, "train_log.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read));
            run.Clock.Restart();
            bool cancelled = false;
            while (run.Step < _options.Steps)
            {
                if (cancellation.IsCancellationRequested || !WaitWhilePaused(networks, run, cancellation))
                {
                    cancelled = true;
                    break;
                }

                long started = run.Clock.ElapsedTicks;
                long current = run.Step + 1;
                double lr = LearningRate(current) * run.LearningRateScale;
                (double loss, double gradNorm) = trainingStep.Run(current, networks.Model, networks.Optimizer, networks.Parameters, lr);
                if (!double.IsFinite(loss))
                {
                    SkipOrRollBack(networks, run, trainingStep, current);
                    continue;
                }

                run.ConsecutiveNonFinite = 0;
                networks.Average.Update(networks.Optimizer.StepCount);
                run.Step = current;
                Report(networks, run, loss, gradNorm, lr, started, log);
                bool saveNow = Interlocked.Exchange(ref _saveRequested, 0) == 1;
                if (run.Step % _options.CheckpointEvery == 0 || run.Step == _options.Steps || saveNow)
                {
                    run.LastCheckpoint = Save(networks, run);
                }

                if (_options.SampleEvery > 0 && (run.Step % _options.SampleEvery == 0 || run.Step == _options.Steps))
                {
                    WriteSampleGrid(networks.Ema, _schedulerConfig, run.Step);
                }
            }

            // A stopped run, and a run whose last step was skipped as non-finite (the loop saves only after a finite one),
            // end with a checkpoint of where they are.
            if ((cancelled || run.Step == _options.Steps) && run.Step > 0 && (run.LastCheckpoint == null || Checkpoint.List(CheckpointFolder).LastOrDefault().Step != run.Step))
            {
                run.LastCheckpoint = Save(networks, run);
            }

            TimeSpan total = run.Elapsed;
            Say(cancelled ? $"Stopped at step {run.Step}; checkpoint saved." : $"Finished {run.Step} steps in {total:hh\\:mm\\:ss}.");
            return new TrainingResult(run.Step, cancelled, ModelFolderPath, run.LastCheckpoint, run.Smoothed, total, run.NonFinite, run.Rollbacks);
        }

        /// <summary>
        /// The pause gate: while paused, waits for resume or cancellation, and writes a checkpoint whenever one is asked for.
        /// Returns false when cancelled while paused.
        /// </summary>
        private bool WaitWhilePaused(Networks networks, RunState run, CancellationToken cancellation)
        {
            if (_running.IsSet)
            {
                return true;
            }

            Say($"Paused at step {run.Step}.");
            while (WaitHandle.WaitAny(new[] { _running.WaitHandle, cancellation.WaitHandle, _saveSignal }) == 2)
            {
                if (Interlocked.Exchange(ref _saveRequested, 0) == 1 && run.Step > 0)
                {
                    run.LastCheckpoint = Save(networks, run);
                }
            }

            if (cancellation.IsCancellationRequested)
            {
                return false;
            }

            Say($"Resumed at step {run.Step}.");
            return true;
        }

        /// <summary>
        /// The policy for a non-finite loss at step <paramref name="current"/>: the step is skipped (it changed nothing).
        /// The first one of a run is diagnosed (<see cref="TrainingStep.Diagnose"/>) and the finding said; when the weights
        /// are finite and one libtorch thread computes the step finitely where several did not, the run goes on with one
        /// thread. After <see cref="TrainingOptions.NanRollbackAfter"/> in a row the run goes back to its last
        /// checkpoint at half the learning rate, and before any checkpoint it stops.
        /// </summary>
        /// <exception cref="InvalidOperationException">Non-finite steps in a row before the first checkpoint.</exception>
        private void SkipOrRollBack(Networks networks, RunState run, TrainingStep trainingStep, long current)
        {
            run.NonFinite++;
            run.ConsecutiveNonFinite++;
            Say($"Step {current}: non-finite loss, step skipped ({run.NonFinite} so far).");
            if (run.NonFinite == 1)
            {
                NonFiniteDiagnosis diagnosis = trainingStep.Diagnose(current, networks.Model);
                Say($"Step {current}: {diagnosis}.");
                if (diagnosis.OneThreadAvoidsIt)
                {
                    torch.set_num_threads(1);
                    Say($"Continuing on 1 libtorch thread: its multi-threaded arithmetic gave a non-finite loss on this machine where one thread does not (train --threads 1 does this from the start).");
                }
            }

            if (run.ConsecutiveNonFinite < _options.NanRollbackAfter)
            {
                run.Step = current;
                return;
            }

            Checkpoint? last = run.LastCheckpoint == null ? null : Checkpoint.Read(run.LastCheckpoint);
            if (last == null)
            {
                throw new InvalidOperationException($"Training diverged (non-finite loss {run.ConsecutiveNonFinite} steps in a row) before the first checkpoint. Lower --lr (now {_options.LearningRate}).");
            }

            last.Restore(networks.Model, networks.Ema, networks.Optimizer);
            run.Step = last.Step;
            run.LearningRateScale = last.LearningRateScale * 0.5;
            run.Rollbacks++;
            run.ConsecutiveNonFinite = 0;
            Say($"Rolled back to {last.Path} (step {run.Step}); learning rate now x{run.LearningRateScale}.");
        }

        /// <summary>After a finite step: the smoothed loss and rate, the step events, and every LogEvery-th line of train_log.jsonl.</summary>
        private void Report(Networks networks, RunState run, double loss, double gradNorm, double lr, long startedTicks, StreamWriter log)
        {
            int batch = _options.BatchSize;
            run.Smoothed = double.IsNaN(run.Smoothed) ? loss : (0.98 * run.Smoothed) + (0.02 * loss);
            double seconds = (run.Clock.ElapsedTicks - startedTicks) / (double)Stopwatch.Frequency;
            double rate = batch / Math.Max(seconds, 1e-9);
            run.ImagesPerSecond = run.ImagesPerSecond == 0 ? rate : (0.9 * run.ImagesPerSecond) + (0.1 * rate);
            TimeSpan elapsed = run.Elapsed;
            TimeSpan remaining = TimeSpan.FromSeconds((_options.Steps - run.Step) * batch / Math.Max(run.ImagesPerSecond, 1e-9));
            StepCompleted?.Invoke(new TrainingStatus(run.Step, _options.Steps, loss, run.Smoothed, lr, run.ImagesPerSecond, elapsed, remaining, run.NonFinite, gradNorm));
            EmaUpdated?.Invoke(run.Step, networks.Ema);
            if (run.Step % _options.LogEvery == 0 || run.Step == _options.Steps)
            {
                log.WriteLine(new JsonObject
                {
                    ["step"] = run.Step,
                    ["loss"] = Round(loss),
                    ["loss_smoothed"] = Round(run.Smoothed),
                    ["lr"] = lr,
                    ["grad_norm"] = Round(gradNorm),
                    ["images_per_s"] = Math.Round(run.ImagesPerSecond, 2),
                    ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 1),
                    ["non_finite_skipped"] = run.NonFinite,
                }.ToJsonString());
                log.Flush();
            }
        }

        /// <summary>Writes the EMA weights of <paramref name="checkpoint"/> as a model folder (diffusers layout) at <paramref name="folder"/>.</summary>
        public static void ExportModel(Checkpoint checkpoint, string folder, SafeTensorDType dtype = SafeTensorDType.Float32)
        {
            using var ema = new UNet2D(checkpoint.UNetConfig);
            checkpoint.RestoreEma(ema);
            TrainingOptions options = JsonSerializer.Deserialize<TrainingOptions>(checkpoint.OptionsJson) ?? new TrainingOptions();
            SchedulerConfig scheduler = TrainingScheduler(options);
            ema.Save(Path.Combine(folder, "unet"), dtype);
            ModelFolder.WriteIndex(folder, scheduler);
        }

        private string Save(Networks networks, RunState run)
        {
            long step = run.Step;
            string path = Path.Combine(CheckpointFolder, Checkpoint.FileName(step));
            Checkpoint.Write(path, new CheckpointState(step, networks.Model, networks.Ema, networks.Optimizer, _options.Seed, run.LearningRateScale, run.OptionsJson, _data.Fingerprint, run.Smoothed, run.Elapsed.TotalSeconds));
            foreach ((long _, string old) in Checkpoint.List(CheckpointFolder).Reverse().Skip(Math.Max(1, _options.KeepCheckpoints)))
            {
                File.Delete(old);
            }

            networks.Ema.Save(Path.Combine(ModelFolderPath, "unet"));
            ModelFolder.WriteIndex(ModelFolderPath, _schedulerConfig);
            Say($"Checkpoint {path}");
            CheckpointWritten?.Invoke(path, step);
            return path;
        }

        private void WriteSampleGrid(UNet2D ema, SchedulerConfig schedulerConfig, long step)
        {
            var images = new List<RgbImage>();
            using (var denoiser = new TorchDenoiser(ema, ownsModel: false, _options.PredictionType))
            {
                var pipeline = new UnconditionalPipeline(denoiser, schedulerConfig.ConvertTo("DDIMScheduler").CreateScheduler());
                int classes = Math.Max(1, _data.ClassNames.Count);
                int perClass = Math.Max(1, _options.SampleCount / classes);
                for (int c = 0; c < classes; c++)
                {
                    TensorBuffer result = pipeline.Generate(new GenerationOptions
                    {
                        Count = perClass,
                        Seed = 0,
                        Steps = _options.SampleSteps,
                        ClassLabel = _data.ClassNames.Count > 0 ? c : null,
                    });
                    for (int i = 0; i < result.Batch; i++)
                    {
                        images.Add(ImageConversion.ToImage(result, i));
                    }
                }
            }

            ema.eval();
            string path = Path.Combine(OutputFolder, "samples", $"step-{step:D7}.png");
            int scale = Math.Max(1, 64 / _config.SampleSize);
            PngFile.Write(path, ContactSheet.Compose(images, columns: Math.Max(1, _options.SampleCount / Math.Max(1, _data.ClassNames.Count)), gap: 2, scale: scale));
            Say($"Samples {path}");
            SampleGridWritten?.Invoke(path, step);
        }

        private void CheckCompatible(Checkpoint checkpoint)
        {
            if (checkpoint.UNetConfig.ToJson() != _config.ToJson())
            {
                throw new InvalidDataException($"{checkpoint.Path} was trained with a different model configuration; resume with the same preset (or start a new run in another folder).");
            }

            if (checkpoint.Seed != _options.Seed)
            {
                throw new InvalidDataException($"{checkpoint.Path} was trained with seed {checkpoint.Seed}, this run has {_options.Seed}; resume with --seed {checkpoint.Seed}.");
            }

            if (checkpoint.DatasetFingerprint != _data.Fingerprint)
            {
                Say($"Warning: the dataset changed since {checkpoint.Path} was written (fingerprint differs); continuing on the new data.");
            }
        }

        private void WriteRunInfo(string optionsJson, long parameterCount)
        {
            var info = new JsonObject
            {
                ["dataset"] = _data.Folder,
                ["images"] = _data.Count,
                ["skipped"] = new JsonArray(_data.Skipped.Select(s => (JsonNode?)new JsonObject { ["path"] = s.Path, ["reason"] = s.Reason }).ToArray()),
                ["classes"] = new JsonArray(_data.ClassNames.Select(c => (JsonNode?)c).ToArray()),
                ["dataset_fingerprint"] = _data.Fingerprint,
                ["parameters"] = parameterCount,
                ["options"] = JsonNode.Parse(optionsJson),
                ["unet_config"] = JsonNode.Parse(_config.ToJson()),
            };
            AtomicFile.WriteAllText(Path.Combine(OutputFolder, "run.json"), info.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        private double LearningRate(long step)
        {
            if (step <= _options.WarmupSteps)
            {
                return _options.LearningRate * step / Math.Max(1, _options.WarmupSteps);
            }

            double progress = (step - _options.WarmupSteps) / (double)Math.Max(1, _options.Steps - _options.WarmupSteps);
            return _options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)));
        }

        private void Say(string message) => Message?.Invoke(message);

        private void WarnAboutUntrainedTimesteps()
        {
            // Min-SNR down-weights the easy low-noise timesteps on purpose; weightless timesteps at the noisy end
            // (where sampling starts) are a trap: the model never learns what to draw from pure noise.
            int first = _lossWeights.Length;
            while (first > 0 && _lossWeights[first - 1] < 0.01f)
            {
                first--;
            }

            if (first < _lossWeights.Length)
            {
                Say($"Warning: Min-SNR weighting gives the noisiest {_lossWeights.Length - first} timestep(s) (t >= {first}) less than 1% weight, so the model will hardly learn them; a Min-SNR floor of 1 (train --min-snr-floor 1, the default for v) keeps them trained.");
            }
        }

        private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : -1;

        /// <summary>The networks of a run: the trained UNet, its EMA copy, the optimiser and the EMA updater.</summary>
        private sealed class Networks : IDisposable
        {
            public Networks(UNet2DConfig config, TrainingOptions options)
            {
                Model = new UNet2D(config);
                // The initial weights come from the run's seed alone, not from libtorch's process-wide generator.
                using (var generator = new torch.Generator(TrainingStep.Mix(options.Seed, 0) & 0x7FFFFFFFFFFFFFFFUL))
                {
                    Model.ResetParameters(generator);
                }

                Ema = new UNet2D(config);
                Model.train();
                Ema.eval();
                var named = Model.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
                Parameters = named.Select(p => p.parameter).ToArray();
                Optimizer = new AdamW(named, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
                Average = new ExponentialMovingAverage(Model, Ema, options.EmaMaxDecay, options.EmaPower);
            }

            public UNet2D Model { get; }

            public UNet2D Ema { get; }

            public Parameter[] Parameters { get; }

            public AdamW Optimizer { get; }

            public ExponentialMovingAverage Average { get; }

            public void Dispose()
            {
                Optimizer.Dispose();
                Ema.Dispose();
                Model.Dispose();
            }
        }

        /// <summary>Where a run stands: its step, learning-rate scale, last checkpoint, loss and rate, and its counters.</summary>
        private sealed class RunState
        {
            public RunState(string optionsJson) => OptionsJson = optionsJson;

            public string OptionsJson { get; }

            public Stopwatch Clock { get; } = new Stopwatch();

            public long Step { get; set; }

            public double LearningRateScale { get; set; } = 1.0;

            public double ElapsedBefore { get; set; }

            public string? LastCheckpoint { get; set; }

            public double Smoothed { get; set; } = double.NaN;

            public double ImagesPerSecond { get; set; }

            public long NonFinite { get; set; }

            public int ConsecutiveNonFinite { get; set; }

            public int Rollbacks { get; set; }

            /// <summary>Training time so far, including the time before a resume.</summary>
            public TimeSpan Elapsed => TimeSpan.FromSeconds(ElapsedBefore + Clock.Elapsed.TotalSeconds);
        }
    }
}
