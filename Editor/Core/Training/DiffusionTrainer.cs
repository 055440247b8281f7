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
        /// <see cref="TrainingOptions.Threads"/> above 0 sets libtorch's thread count for the run and restores it
        /// afterwards: the count is process-wide, and other work in the process (a panel, parallel tests) reads it too.
        /// </remarks>
        public TrainingResult Run(Checkpoint? resume = null, CancellationToken cancellation = default)
        {
            if (_options.Threads <= 0)
            {
                return RunSteps(resume, cancellation);
            }

            int before = torch.get_num_threads();
            torch.set_num_threads(_options.Threads);
            try
            {
                return RunSteps(resume, cancellation);
            }
            finally
            {
                torch.set_num_threads(before);
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

            torch.manual_seed((long)(_options.Seed & 0x7FFFFFFF));
            using var model = new UNet2D(_config);
            using var ema = new UNet2D(_config);
            model.train();
            ema.eval();
            var named = model.named_parameters().Select(p => (p.name, p.parameter)).ToArray();
            Parameter[] parameters = named.Select(p => p.parameter).ToArray();
            using var optimizer = new AdamW(named, _options.Beta1, _options.Beta2, _options.Epsilon, _options.WeightDecay);
            var average = new ExponentialMovingAverage(model, ema, _options.EmaMaxDecay, _options.EmaPower);

            long step = 0;
            double lrScale = 1.0;
            double elapsedBefore = 0;
            string? lastCheckpoint = null;
            if (resume != null)
            {
                CheckCompatible(resume);
                resume.Restore(model, ema, optimizer);
                step = resume.Step;
                lrScale = resume.LearningRateScale;
                elapsedBefore = resume.ElapsedSeconds;
                lastCheckpoint = resume.Path;
                Say($"Resumed from {resume.Path} at step {step}.");
            }

            WriteRunInfo(optionsJson, model.ParameterCount);
            using Tensor alphas = tensor(_alphasCumprod);
            using Tensor lossWeights = tensor(_lossWeights);
            int size = _config.SampleSize;
            int channels = _config.InChannels;
            int batch = _options.BatchSize;
            var batchPixels = new float[batch * channels * size * size];
            var batchLabels = new long[batch];
            var indices = new int[batch];
            int? nullClass = _config.UnconditionalClass;

            var clock = Stopwatch.StartNew();
            double smoothed = double.NaN;
            double lastLoss = double.NaN;
            double imagesPerSecond = 0;
            long nonFinite = 0;
            int consecutiveNonFinite = 0;
            int rollbacks = 0;
            bool cancelled = false;
            using var log = new StreamWriter(new FileStream(Path.Combine(OutputFolder, "train_log.jsonl"), FileMode.Append, FileAccess.Write, FileShare.Read));

            while (step < _options.Steps)
            {
                if (cancellation.IsCancellationRequested)
                {
                    cancelled = true;
                    break;
                }

                if (!_running.IsSet)
                {
                    Say($"Paused at step {step}.");
                    while (WaitHandle.WaitAny(new[] { _running.WaitHandle, cancellation.WaitHandle, _saveSignal }) == 2)
                    {
                        if (Interlocked.Exchange(ref _saveRequested, 0) == 1 && step > 0)
                        {
                            lastCheckpoint = Save(step, model, ema, optimizer, lrScale, optionsJson, smoothed, TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds), _schedulerConfig);
                        }
                    }

                    if (cancellation.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    Say($"Resumed at step {step}.");
                }

                long started = clock.ElapsedTicks;
                long current = step + 1;
                var random = new NoiseGenerator(Mix(_options.Seed, (ulong)current));
                // The step's noise and timesteps come from a generator of its own, not libtorch's global one: anything
                // else in the process that seeds or draws from that (another model, a preview) would change the run.
                using var stepGenerator = new torch.Generator(Mix(_options.Seed ^ 0xD1B54A32D192ED03UL, (ulong)current) & 0x7FFFFFFFFFFFFFFFUL);
                for (int i = 0; i < batch; i++)
                {
                    indices[i] = (int)(random.NextUInt64() % (ulong)_data.Count);
                }

                _data.FillBatch(indices, random, batchPixels, batchLabels);
                if (nullClass.HasValue)
                {
                    for (int i = 0; i < batch; i++)
                    {
                        if (random.NextDouble() < _options.LabelDropout)
                        {
                            batchLabels[i] = nullClass.Value;
                        }
                    }
                }

                double lossValue;
                double gradNorm = 0;
                double lr = LearningRate(current) * lrScale;
                using (var scope = NewDisposeScope())
                {
                    Tensor x0 = tensor(batchPixels, new long[] { batch, channels, size, size });
                    Tensor labels = tensor(batchLabels);
                    Tensor noise = randn(x0.shape, generator: stepGenerator);
                    Tensor t = randint(0, _options.TrainTimesteps, new long[] { batch }, dtype: ScalarType.Int64, generator: stepGenerator);
                    Tensor ab = alphas.index_select(0, t).view(batch, 1, 1, 1);
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
                        perSample = perSample * lossWeights.index_select(0, t);
                    }

                    Tensor loss = perSample.mean();
                    lossValue = loss.item<float>();
                    if (PoisonLoss?.Invoke(current) == true)
                    {
                        lossValue = double.NaN;
                    }

                    if (double.IsFinite(lossValue))
                    {
                        optimizer.ZeroGrad();
                        loss.backward();
                        if (_options.GradientClip > 0)
                        {
                            gradNorm = nn.utils.clip_grad_norm_(parameters, _options.GradientClip);
                        }

                        optimizer.Step(lr);
                    }
                }

                if (!double.IsFinite(lossValue))
                {
                    nonFinite++;
                    consecutiveNonFinite++;
                    optimizer.ZeroGrad();
                    Say($"Step {current}: non-finite loss, step skipped ({nonFinite} so far).");
                    if (consecutiveNonFinite >= _options.NanRollbackAfter)
                    {
                        Checkpoint? last = lastCheckpoint == null ? null : Checkpoint.Read(lastCheckpoint);
                        if (last == null)
                        {
                            throw new InvalidOperationException($"Training diverged (non-finite loss {consecutiveNonFinite} steps in a row) before the first checkpoint. Lower --lr (now {_options.LearningRate}).");
                        }

                        last.Restore(model, ema, optimizer);
                        step = last.Step;
                        lrScale = last.LearningRateScale * 0.5;
                        rollbacks++;
                        consecutiveNonFinite = 0;
                        Say($"Rolled back to {last.Path} (step {step}); learning rate now x{lrScale}.");
                        continue;
                    }

                    step = current;
                    continue;
                }

                consecutiveNonFinite = 0;
                average.Update(optimizer.StepCount);
                step = current;
                lastLoss = lossValue;
                smoothed = double.IsNaN(smoothed) ? lossValue : (0.98 * smoothed) + (0.02 * lossValue);
                double seconds = (clock.ElapsedTicks - started) / (double)Stopwatch.Frequency;
                double rate = batch / Math.Max(seconds, 1e-9);
                imagesPerSecond = imagesPerSecond == 0 ? rate : (0.9 * imagesPerSecond) + (0.1 * rate);
                TimeSpan elapsed = TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds);
                TimeSpan remaining = TimeSpan.FromSeconds((_options.Steps - step) * batch / Math.Max(imagesPerSecond, 1e-9));
                var status = new TrainingStatus(step, _options.Steps, lossValue, smoothed, lr, imagesPerSecond, elapsed, remaining, nonFinite, gradNorm);
                StepCompleted?.Invoke(status);
                EmaUpdated?.Invoke(step, ema);

                if (step % _options.LogEvery == 0 || step == _options.Steps)
                {
                    log.WriteLine(new JsonObject
                    {
                        ["step"] = step,
                        ["loss"] = Round(lossValue),
                        ["loss_smoothed"] = Round(smoothed),
                        ["lr"] = lr,
                        ["grad_norm"] = Round(gradNorm),
                        ["images_per_s"] = Math.Round(imagesPerSecond, 2),
                        ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 1),
                        ["non_finite_skipped"] = nonFinite,
                    }.ToJsonString());
                    log.Flush();
                }

                bool saveNow = Interlocked.Exchange(ref _saveRequested, 0) == 1;
                if (step % _options.CheckpointEvery == 0 || step == _options.Steps || saveNow)
                {
                    lastCheckpoint = Save(step, model, ema, optimizer, lrScale, optionsJson, smoothed, elapsed, _schedulerConfig);
                }

                if (_options.SampleEvery > 0 && (step % _options.SampleEvery == 0 || step == _options.Steps))
                {
                    WriteSampleGrid(ema, _schedulerConfig, step);
                }
            }

            TimeSpan total = TimeSpan.FromSeconds(elapsedBefore + clock.Elapsed.TotalSeconds);
            // A stopped run, and a run whose last step was skipped as non-finite (the loop saves only after a finite one),
            // end with a checkpoint of where they are.
            if ((cancelled || step == _options.Steps) && step > 0 && (lastCheckpoint == null || Checkpoint.List(CheckpointFolder).LastOrDefault().Step != step))
            {
                lastCheckpoint = Save(step, model, ema, optimizer, lrScale, optionsJson, smoothed, total, _schedulerConfig);
            }

            Say(cancelled ? $"Stopped at step {step}; checkpoint saved." : $"Finished {step} steps in {total:hh\\:mm\\:ss}.");
            return new TrainingResult(step, cancelled, ModelFolderPath, lastCheckpoint, smoothed, total, nonFinite, rollbacks);
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

        private string Save(long step, UNet2D model, UNet2D ema, AdamW optimizer, double lrScale, string optionsJson, double loss, TimeSpan elapsed, SchedulerConfig scheduler)
        {
            string path = Path.Combine(CheckpointFolder, Checkpoint.FileName(step));
            Checkpoint.Write(path, new CheckpointState(step, model, ema, optimizer, _options.Seed, lrScale, optionsJson, _data.Fingerprint, loss, elapsed.TotalSeconds));
            foreach ((long _, string old) in Checkpoint.List(CheckpointFolder).Reverse().Skip(Math.Max(1, _options.KeepCheckpoints)))
            {
                File.Delete(old);
            }

            ema.Save(Path.Combine(ModelFolderPath, "unet"));
            ModelFolder.WriteIndex(ModelFolderPath, scheduler);
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

        private static ulong Mix(ulong seed, ulong step)
        {
            // SplitMix64 finaliser over (seed, step): independent streams per step.
            ulong z = seed + (step * 0x9E3779B97F4A7C15UL);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
