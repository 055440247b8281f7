using System;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Runs one training run at a time for the panel, on its own thread, and forwards the trainer's events to the
    /// run's monitor. Every control (pause, resume, stop, save now) is acknowledged in the run's messages; the recipe
    /// of a running run cannot be changed. Stopping, and disposing (server shutdown), cancel the trainer, which
    /// finishes the current step and writes a checkpoint.
    /// </summary>
    internal sealed class TrainingHost : IDisposable
    {
        private readonly PanelOptions _options;
        private readonly EventHub _hub;
        private readonly RunCatalog _runs;
        private readonly object _gate = new object();
        private HostState _state = new HostState("idle", null, null);
        private DiffusionTrainer? _trainer;
        private CancellationTokenSource? _cancellation;
        private Thread? _thread;
        private RunMonitor? _monitor;

        public TrainingHost(PanelOptions options, EventHub hub, RunCatalog runs)
        {
            _options = options;
            _hub = hub;
            _runs = runs;
        }

        /// <summary>What the trainer is doing.</summary>
        public HostState State
        {
            get
            {
                lock (_gate)
                {
                    return _state;
                }
            }
        }

        /// <summary>Validates the request, loads the dataset and starts training; returns the run name.</summary>
        /// <exception cref="PanelRequestException">Invalid fields (400), a run already training (409), an existing run without resume (409).</exception>
        public string Start(RunRequest request)
        {
            request.Validate();
            string folder = PathGuard.RunFolder(_runs.RunsFolder, request.Name, "name");
            if (!string.IsNullOrEmpty(request.Resume) && request.Resume != "latest")
            {
                PathGuard.CheckpointFile(request.Resume, "resume");
            }

            lock (_gate)
            {
                if (_state.Busy)
                {
                    throw new PanelRequestException(409, $"The panel is already training run '{_state.Run}' ({_state.State}); only one run at a time. Stop it first, or watch it.");
                }

                SetState("starting", request.Name, "Loading the dataset.");
            }

            try
            {
                return Launch(request, folder);
            }
            catch
            {
                lock (_gate)
                {
                    SetState("idle", null, null);
                }

                throw;
            }
        }

        /// <summary>Pauses after the current step.</summary>
        public void Pause() => Control("running", "Pause", t => t.Pause(), "paused", "Pausing after the current step.");

        /// <summary>Resumes a paused run.</summary>
        public void Resume() => Control("paused", "Resume", t => t.Resume(), "running", "Resumed.");

        /// <summary>Asks for a checkpoint now (after the current step, or at once when paused).</summary>
        public void SaveNow() => Control(null, "Save now", t => t.RequestSave(), null, "Checkpoint requested.");

        /// <summary>Stops after the current step; the trainer writes a checkpoint.</summary>
        public void Stop() => Control(null, "Stop", _ => _cancellation!.Cancel(), "stopping", "Stopping after the current step; a checkpoint will be written.");

        /// <summary>Waits for the training thread to end (after <see cref="Stop"/>), up to <paramref name="timeout"/>.</summary>
        public bool Wait(TimeSpan timeout) => _thread?.Join(timeout) ?? true;

        /// <summary>Stops a run in progress and waits for its checkpoint.</summary>
        public void Dispose()
        {
            Thread? thread;
            lock (_gate)
            {
                thread = _thread;
                if (_state.Busy && _cancellation != null)
                {
                    _monitor?.OnMessage("The panel is shutting down: stopping after the current step and writing a checkpoint.");
                    _cancellation.Cancel();
                    _trainer?.Resume();
                }
            }

            thread?.Join(TimeSpan.FromMinutes(5));
        }

        private string Launch(RunRequest request, string folder)
        {
            string name = request.Name!;
            (DatasetReport report, ImageFolderDataset dataset) = DatasetInspector.Inspect(_options.DataRoot, request.Dataset, request.ToDatasetOptions());
            UNet2DConfig config = request.CreateUNetConfig(dataset);
            TrainingOptions training = request.ToTrainingOptions(_options.Threads);
            Checkpoint? resume = ResolveResume(folder, request.Resume, config, training);
            DiffusionTrainer trainer;
            try
            {
                trainer = new DiffusionTrainer(dataset, config, training, folder);
            }
            catch (ArgumentException e)
            {
                throw new PanelRequestException(400, e.Message);
            }

            Directory.CreateDirectory(folder);
            RunMonitor monitor = _runs.Monitor(name, create: true);
            var preview = new LivePreview(config, training, frame => monitor.OnPreview(new
            {
                index = frame.Index,
                count = frame.Count,
                timestep = frame.Timestep,
                weightsStep = frame.WeightsStep,
                x0 = Convert.ToBase64String(PngFile.Encode(frame.PredictedOriginal)),
                xt = Convert.ToBase64String(PngFile.Encode(frame.Latents)),
            }));
            trainer.StepCompleted += monitor.OnStep;
            trainer.Message += monitor.OnMessage;
            trainer.EmaUpdated += preview.OnEmaUpdated;
            var cancellation = new CancellationTokenSource();
            lock (_gate)
            {
                _trainer = trainer;
                _cancellation = cancellation;
                _monitor = monitor;
                monitor.BeginLive(resume?.Step ?? 0);
                monitor.OnMessage($"Dataset {report.Folder}: {report.Images} images" + (report.Skipped.Count > 0 ? $", {report.Skipped.Count} skipped" : string.Empty) + ".");
                monitor.OnMessage(resume == null ? $"New run '{name}': preset {request.Preset}, {request.Size}px, {request.Steps} steps of {request.BatchSize}." : $"Resuming '{name}' from step {resume.Step}.");
                _thread = new Thread(() => Train(name, trainer, resume, preview, monitor, cancellation)) { IsBackground = true, Name = "LiveDiffusion panel training" };
                SetState("running", name, null);
                _thread.Start();
            }

            _runs.Refresh();
            return name;
        }

        private Checkpoint? ResolveResume(string folder, string? resume, UNet2DConfig config, TrainingOptions training)
        {
            string checkpoints = Path.Combine(folder, "checkpoints");
            var existing = Checkpoint.List(checkpoints);
            if (string.IsNullOrEmpty(resume))
            {
                if (existing.Count > 0)
                {
                    throw new PanelRequestException(409, $"Run '{Path.GetFileName(folder)}' already has checkpoints up to step {existing[^1].Step}: resume it (Resume: latest) or choose another run name.", "name");
                }

                return null;
            }

            Checkpoint? checkpoint;
            try
            {
                checkpoint = resume == "latest"
                    ? Checkpoint.Latest(checkpoints)
                    : Checkpoint.Read(PathGuard.Inside(checkpoints, PathGuard.CheckpointFile(resume, "resume"), "resume"));
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is FormatException || e is ModelConfigException)
            {
                throw new PanelRequestException(400, $"Cannot resume from '{resume}': {e.Message}", "resume");
            }

            if (checkpoint == null)
            {
                throw new PanelRequestException(400, $"Run '{Path.GetFileName(folder)}' has no checkpoint to resume from; leave Resume empty to start a new run.", "resume");
            }

            if (checkpoint.UNetConfig.ToJson() != config.ToJson())
            {
                throw new PanelRequestException(400, $"{Path.GetFileName(checkpoint.Path)} was trained with another model (preset, size, padding or classes differ); choose the same settings or start a new run.", "resume");
            }

            if (checkpoint.Seed != training.Seed)
            {
                throw new PanelRequestException(400, $"{Path.GetFileName(checkpoint.Path)} was trained with seed {checkpoint.Seed}; set Seed to {checkpoint.Seed} to resume it.", "seed");
            }

            if (checkpoint.Step >= training.Steps)
            {
                throw new PanelRequestException(400, $"{Path.GetFileName(checkpoint.Path)} is at step {checkpoint.Step}; set Steps above that to train further.", "steps");
            }

            return checkpoint;
        }

        private void Train(string name, DiffusionTrainer trainer, Checkpoint? resume, LivePreview preview, RunMonitor monitor, CancellationTokenSource cancellation)
        {
            string state;
            string message;
            try
            {
                preview.Start();
                TrainingResult result = trainer.Run(resume, cancellation.Token);
                state = result.Cancelled ? "stopped" : "finished";
                message = result.Cancelled
                    ? $"Stopped at step {result.Step}; checkpoint {Path.GetFileName(result.LastCheckpoint)}."
                    : $"Finished {result.Step} steps; smoothed loss {result.SmoothedLoss:F4}.";
            }
            catch (Exception e)
            {
                state = "failed";
                message = $"Training failed: {e.Message}";
            }
            finally
            {
                preview.Dispose();
            }

            monitor.OnMessage(message);
            monitor.EndLive(state);
            lock (_gate)
            {
                _trainer = null;
                SetState(state, name, message);
            }

            cancellation.Dispose();
            _runs.Refresh();
        }

        private void Control(string? requiredState, string action, Action<DiffusionTrainer> apply, string? newState, string message)
        {
            lock (_gate)
            {
                if (_trainer == null || !_state.Busy || _state.State == "starting")
                {
                    throw new PanelRequestException(409, $"{action}: no run is training in this panel (state: {_state.State}).");
                }

                if (requiredState != null && _state.State != requiredState)
                {
                    throw new PanelRequestException(409, $"{action}: the run is {_state.State}, not {requiredState}.");
                }

                if (_state.State == "stopping")
                {
                    throw new PanelRequestException(409, $"{action}: the run is already stopping.");
                }

                apply(_trainer);
                _monitor?.OnMessage($"{action}: {message}");
                if (newState != null)
                {
                    SetState(newState, _state.Run, null);
                }
            }
        }

        private void SetState(string state, string? run, string? message)
        {
            _state = new HostState(state, run, message);
            _hub.Publish(null, "state", _state);
        }
    }
}
