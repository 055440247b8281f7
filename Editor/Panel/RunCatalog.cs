using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Editor.Training;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The runs folder: lists its runs (folders with a <c>run.json</c>, <c>train_log.jsonl</c> or <c>checkpoints/</c>),
    /// hands out one <see cref="RunMonitor"/> per run, and tells the pages when runs appear or disappear.
    /// </summary>
    internal sealed class RunCatalog : IDisposable
    {
        private readonly EventHub _hub;
        private readonly ConcurrentDictionary<string, RunMonitor> _monitors = new ConcurrentDictionary<string, RunMonitor>(StringComparer.Ordinal);
        private readonly Timer _timer;
        private string _signature = string.Empty;

        public RunCatalog(string runsFolder, EventHub hub)
        {
            RunsFolder = Path.GetFullPath(runsFolder);
            Directory.CreateDirectory(RunsFolder);
            _hub = hub;
            _signature = Signature(List());
            _timer = new Timer(_ => Refresh(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        /// <summary>The runs folder.</summary>
        public string RunsFolder { get; }

        /// <summary>The runs, newest first.</summary>
        public IReadOnlyList<RunSummary> List()
        {
            var runs = new List<RunSummary>();
            foreach (string dir in Directory.EnumerateDirectories(RunsFolder))
            {
                string name = Path.GetFileName(dir);
                string log = Path.Combine(dir, "train_log.jsonl");
                string info = Path.Combine(dir, "run.json");
                string checkpoints = Path.Combine(dir, "checkpoints");
                if (!File.Exists(log) && !File.Exists(info) && !Directory.Exists(checkpoints))
                {
                    continue;
                }

                DateTime modified = new[] { log, info }.Where(File.Exists).Select(File.GetLastWriteTimeUtc)
                    .Concat(Directory.Exists(checkpoints) ? new[] { Directory.GetLastWriteTimeUtc(checkpoints) } : Array.Empty<DateTime>())
                    .DefaultIfEmpty(Directory.GetLastWriteTimeUtc(dir)).Max();
                bool live = _monitors.TryGetValue(name, out RunMonitor? m) && m.Live;
                runs.Add(new RunSummary(name, modified, Checkpoint.List(checkpoints).Count, live));
            }

            return runs.OrderByDescending(r => r.Modified).ToArray();
        }

        /// <summary>The monitor of run <paramref name="name"/> (validated; the folder may not exist yet when <paramref name="create"/>).</summary>
        /// <exception cref="PanelRequestException">Bad name (400) or no such run (404).</exception>
        public RunMonitor Monitor(string? name, bool create = false)
        {
            string folder = PathGuard.RunFolder(RunsFolder, name);
            if (_monitors.TryGetValue(name!, out RunMonitor? existing))
            {
                return existing;
            }

            if (!create && !Directory.Exists(folder))
            {
                throw new PanelRequestException(404, $"No run '{name}' in {RunsFolder}.", "run");
            }

            return _monitors.GetOrAdd(name!, n => new RunMonitor(n, folder, _hub));
        }

        /// <summary>Tells the pages about new or removed runs.</summary>
        public void Refresh()
        {
            try
            {
                IReadOnlyList<RunSummary> runs = List();
                string signature = Signature(runs);
                if (signature != Interlocked.Exchange(ref _signature, signature))
                {
                    _hub.Publish(null, "runs", new { runs });
                }
            }
            catch (IOException)
            {
            }
        }

        public void Dispose()
        {
            _timer.Dispose();
            foreach (RunMonitor monitor in _monitors.Values)
            {
                monitor.Dispose();
            }
        }

        private static string Signature(IReadOnlyList<RunSummary> runs) =>
            string.Join("|", runs.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => $"{r.Name}:{r.Checkpoints}:{r.Live}"));
    }
}
