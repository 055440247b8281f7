using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using LiveDiffusion.Editor.Training;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Follows one run folder and tells the pages watching it what changed. Whoever trains (this panel or a
    /// <c>livediffusion train</c> process) writes <c>run.json</c>, <c>train_log.jsonl</c>, <c>samples/step-N.png</c>
    /// and <c>checkpoints/</c>; the monitor tails them twice a second while a page watches. A run trained by this
    /// panel also feeds every step, message and file straight from the trainer's events.
    /// </summary>
    internal sealed class RunMonitor : IDisposable
    {
        private static readonly Regex SampleName = new Regex(@"^step-(\d+)\.png$", RegexOptions.CultureInvariant);
        private static readonly TimeSpan ActiveWindow = TimeSpan.FromSeconds(30);
        private readonly EventHub _hub;
        private readonly object _gate = new object();
        private readonly List<LossPoint> _points = new List<LossPoint>();
        private readonly List<string> _messages = new List<string>();
        private readonly Timer _timer;
        private long _logOffset;
        private readonly StringBuilder _partialLine = new StringBuilder();
        private DateTime _logWrite;
        private (string File, long Step)? _grid;
        private List<(long Step, string File)> _samples = new List<(long, string)>();
        private string _sampleSignature = string.Empty;
        private IReadOnlyList<CheckpointSummary> _checkpoints = Array.Empty<CheckpointSummary>();
        private string _checkpointSignature = string.Empty;
        private JsonNode? _runInfo;
        private DateTime _runInfoWrite;
        private RunProgress? _progress;
        private string _activity = "unknown";
        private (DateTime At, string State)? _liveEnded;
        private int _polling;
        private bool _disposed;

        public RunMonitor(string name, string folder, EventHub hub)
        {
            Name = name;
            Folder = folder;
            _hub = hub;
            _timer = new Timer(_ => Poll(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500));
        }

        /// <summary>The run's name (its folder name).</summary>
        public string Name { get; }

        /// <summary>The run folder.</summary>
        public string Folder { get; }

        /// <summary>Whether this panel's trainer feeds the monitor (the run can be steered).</summary>
        public bool Live { get; private set; }

        /// <summary>The newest checkpoints, oldest first.</summary>
        public IReadOnlyList<CheckpointSummary> Checkpoints
        {
            get
            {
                lock (_gate)
                {
                    return _checkpoints;
                }
            }
        }

        /// <summary>Marks the run as trained by this panel from <paramref name="fromStep"/>: later points replace what the log says after that step.</summary>
        public void BeginLive(long fromStep)
        {
            lock (_gate)
            {
                // Read what the folder already holds first, so that log lines of an earlier attempt past the resumed step are dropped below.
                try
                {
                    PollRunInfo();
                    PollLog();
                }
                catch (IOException)
                {
                }

                Live = true;
                _activity = "training here";
                _messages.Clear();
                int keep = _points.FindIndex(p => p.Step > fromStep);
                if (keep >= 0)
                {
                    _points.RemoveRange(keep, _points.Count - keep);
                }

                _hub.Publish(Name, "snapshot", SnapshotLocked());
            }
        }

        /// <summary>The panel's trainer has stopped feeding the monitor.</summary>
        public void EndLive(string activity)
        {
            lock (_gate)
            {
                Live = false;
                _liveEnded = (DateTime.UtcNow, activity);
                SetActivity(activity);
            }

            Poll(force: true);
        }

        /// <summary>A step from the panel's trainer.</summary>
        public void OnStep(TrainingStatus s)
        {
            var point = new LossPoint(s.Step, s.Loss, s.SmoothedLoss, s.LearningRate, s.ImagesPerSecond, s.Elapsed.TotalSeconds);
            var progress = new RunProgress(s.Step, s.TotalSteps, s.Loss, s.SmoothedLoss, s.LearningRate, s.ImagesPerSecond, s.Elapsed.TotalSeconds, s.Remaining.TotalSeconds);
            lock (_gate)
            {
                if (AddPoint(point))
                {
                    _progress = progress;
                    _hub.Publish(Name, "points", new { points = new[] { point }, progress });
                }
            }
        }

        /// <summary>A message from the panel's trainer or from the panel itself.</summary>
        public void OnMessage(string message)
        {
            string line = $"{DateTime.Now:HH:mm:ss} {message}";
            lock (_gate)
            {
                _messages.Add(line);
                if (_messages.Count > 300)
                {
                    _messages.RemoveAt(0);
                }

                _hub.Publish(Name, "message", new { text = line });
            }
        }

        /// <summary>Sends a live preview frame to the pages watching this run.</summary>
        public void OnPreview(object frame) => _hub.Publish(Name, "preview", frame);

        /// <summary>Everything a page needs to draw the run from scratch.</summary>
        public object Snapshot()
        {
            Poll(force: true);
            lock (_gate)
            {
                return SnapshotLocked();
            }
        }

        /// <summary>Reads what changed in the run folder and tells the watching pages (only while a page watches, unless <paramref name="force"/>).</summary>
        public void Poll(bool force = false)
        {
            if (_disposed || Interlocked.Exchange(ref _polling, 1) == 1)
            {
                return;
            }

            try
            {
                if (!force && !Live && !_hub.IsWatched(Name))
                {
                    return;
                }

                lock (_gate)
                {
                    PollRunInfo();
                    PollLog();
                    PollSamples();
                    PollCheckpoints();
                    if (!Live)
                    {
                        SetActivity(ExternalActivity());
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // A file was replaced while it was read: the next poll reads it again.
            }
            finally
            {
                Volatile.Write(ref _polling, 0);
            }
        }

        public void Dispose()
        {
            _disposed = true;
            _timer.Dispose();
        }

        private object SnapshotLocked() => new
        {
            name = Name,
            folder = Folder,
            live = Live,
            activity = _activity,
            info = _runInfo,
            points = _points.ToArray(),
            progress = _progress,
            grid = _grid.HasValue ? new { file = _grid.Value.File, step = _grid.Value.Step } : null,
            checkpoints = _checkpoints,
            messages = _messages.ToArray(),
        };

        private void SetActivity(string activity)
        {
            if (activity != _activity)
            {
                _activity = activity;
                _hub.Publish(Name, "activity", new { activity, live = Live });
            }
        }

        private string ExternalActivity()
        {
            if (_progress == null)
            {
                return File.Exists(Path.Combine(Folder, "run.json")) ? "starting" : "empty";
            }

            if (_progress.TotalSteps > 0 && _progress.Step >= _progress.TotalSteps)
            {
                return "finished";
            }

            if (_liveEnded.HasValue && _logWrite <= _liveEnded.Value.At)
            {
                // This panel trained it last and nothing has written to it since.
                return _liveEnded.Value.State;
            }

            return DateTime.UtcNow - _logWrite < ActiveWindow ? "training elsewhere" : "stopped";
        }

        private bool AddPoint(LossPoint point)
        {
            if (_points.Count == 0 || point.Step > _points[^1].Step)
            {
                _points.Add(point);
                return true;
            }

            int index = _points.BinarySearch(point, Comparer<LossPoint>.Create((a, b) => a.Step.CompareTo(b.Step)));
            if (index >= 0)
            {
                return false;
            }

            _points.Insert(~index, point);
            return true;
        }

        private void PollRunInfo()
        {
            string path = Path.Combine(Folder, "run.json");
            if (!File.Exists(path))
            {
                return;
            }

            DateTime write = File.GetLastWriteTimeUtc(path);
            if (write == _runInfoWrite)
            {
                return;
            }

            try
            {
                _runInfo = JsonNode.Parse(File.ReadAllText(path));
                _runInfoWrite = write;
                _hub.Publish(Name, "info", new { info = _runInfo });
            }
            catch (JsonException)
            {
                // Written atomically by the trainer; a partial read means another writer. Try again next poll.
            }
        }

        private long TotalSteps() => _runInfo?["options"]?["Steps"]?.GetValue<long>() ?? 0;

        private int BatchSize() => _runInfo?["options"]?["BatchSize"]?.GetValue<int>() ?? 0;

        private void PollLog()
        {
            string path = Path.Combine(Folder, "train_log.jsonl");
            if (!File.Exists(path))
            {
                return;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length < _logOffset)
            {
                // The log was replaced: read it again from the start.
                _logOffset = 0;
                _partialLine.Clear();
                _points.Clear();
                _hub.Publish(Name, "snapshot", SnapshotLocked());
            }

            if (stream.Length == _logOffset)
            {
                return;
            }

            _logWrite = File.GetLastWriteTimeUtc(path);
            stream.Seek(_logOffset, SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string text = reader.ReadToEnd();
            _logOffset = stream.Length;
            _partialLine.Append(text);
            string all = _partialLine.ToString();
            int lastNewline = all.LastIndexOf('\n');
            if (lastNewline < 0)
            {
                return;
            }

            _partialLine.Clear().Append(all, lastNewline + 1, all.Length - lastNewline - 1);
            var added = new List<LossPoint>();
            foreach (string line in all.Substring(0, lastNewline).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                LossPoint? point = ParseLogLine(line);
                if (point != null && AddPoint(point))
                {
                    added.Add(point);
                }
            }

            if (added.Count > 0 && !Live)
            {
                LossPoint last = _points[^1];
                long total = TotalSteps();
                int batch = BatchSize();
                double? eta = total > 0 && batch > 0 && last.ImagesPerSecond > 0 ? (total - last.Step) * batch / last.ImagesPerSecond : null;
                _progress = new RunProgress(last.Step, total, last.Loss, last.Smoothed, last.LearningRate, last.ImagesPerSecond, last.ElapsedSeconds, eta);
                _hub.Publish(Name, "points", new { points = added, progress = _progress });
            }
        }

        private static LossPoint? ParseLogLine(string line)
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement root = doc.RootElement;
                double Get(string key) => root.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
                if (!root.TryGetProperty("step", out JsonElement step) || step.ValueKind != JsonValueKind.Number)
                {
                    return null;
                }

                return new LossPoint(step.GetInt64(), Get("loss"), Get("loss_smoothed"), Get("lr"), Get("images_per_s"), Get("elapsed_s"));
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private void PollSamples()
        {
            string folder = Path.Combine(Folder, "samples");
            if (!Directory.Exists(folder))
            {
                return;
            }

            var samples = Directory.EnumerateFiles(folder, "step-*.png")
                .Select(f => (Match: SampleName.Match(Path.GetFileName(f)), File: Path.GetFileName(f)))
                .Where(x => x.Match.Success)
                .Select(x => (Step: long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.File))
                .OrderBy(x => x.Step)
                .ToList();
            string signature = string.Join(",", samples.Select(s => s.File));
            if (signature == _sampleSignature)
            {
                return;
            }

            _sampleSignature = signature;
            _samples = samples;
            if (samples.Count > 0 && (!_grid.HasValue || _grid.Value.File != samples[^1].File))
            {
                _grid = (samples[^1].File, samples[^1].Step);
                _hub.Publish(Name, "grid", new { file = _grid.Value.File, step = _grid.Value.Step });
            }

            _checkpointSignature = string.Empty; // grids of checkpoints may have changed
        }

        private void PollCheckpoints()
        {
            var files = Checkpoint.List(Path.Combine(Folder, "checkpoints"));
            string signature = string.Join(",", files.Select(f => Path.GetFileName(f.Path) + ":" + SafeLength(f.Path)));
            if (signature == _checkpointSignature)
            {
                return;
            }

            var summaries = new List<CheckpointSummary>();
            foreach ((long _, string path) in files)
            {
                CheckpointSummary? summary = CheckpointSummary.Read(path);
                if (summary == null)
                {
                    continue;
                }

                (long Step, string File)? grid = _samples.LastOrDefault(s => s.Step <= summary.Step) is var g && g.File != null ? g : null;
                summaries.Add(summary with { Grid = grid?.File, GridStep = grid?.Step });
            }

            _checkpointSignature = signature;
            _checkpoints = summaries;
            _hub.Publish(Name, "checkpoints", new { checkpoints = summaries });
        }

        private static long SafeLength(string path)
        {
            try
            {
                return new FileInfo(path).Length;
            }
            catch (IOException)
            {
                return -1;
            }
        }
    }
}
