using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Tests;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Editor.Tests.Panel
{
    /// <summary>The real <c>livediffusion</c> processes: <c>panel</c> as a user starts it, and a run of <c>train</c> watched through the panel's event stream.</summary>
    public sealed class PanelCommandTests
    {
        private readonly ITestOutputHelper _output;

        public PanelCommandTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task PanelCommandPrintsItsTokenUrlServesThePageAndStopsOnSigterm()
        {
            string root = Path.Combine(Path.GetTempPath(), "ld-panel-cli-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(root);
            using ChildProcess panel = Start(root, "panel", "--runs", Path.Combine(root, "runs"), "--data-root", root, "--port", "0");
            try
            {
                string line = await panel.WaitForLineAsync(l => l.Contains("http://", StringComparison.Ordinal) && l.Contains("?token=", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                Match url = Regex.Match(line, @"(http://127\.0\.0\.1:\d+/)\?token=([A-Za-z0-9_-]{43})");
                Assert.True(url.Success, line);
                using var http = new HttpClient { BaseAddress = new Uri(url.Groups[1].Value) };
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/")).StatusCode);
                HttpResponseMessage page = await http.GetAsync("/?token=" + url.Groups[2].Value);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<script src=\"/assets/uPlot.iife.min.js\">", await page.Content.ReadAsStringAsync());

                Signal(panel, "TERM");
                (int code, string output) = panel.WaitForExit(TimeSpan.FromSeconds(30));
                Assert.True(code == 0, output);
            }
            finally
            {
                panel.Dispose();
                Directory.Delete(root, recursive: true);
            }
        }

        [Fact]
        public async Task ARunStartedByTheTrainCommandIsWatchedLiveThroughTheEventStream()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            string run = Path.Combine(panel.RunsFolder, "from-cli");
            using ChildProcess train = Start(panel.Root, "train", "--data", Path.Combine(panel.DataRoot, "tiles"), "--out", run, "--preset", "tiny",
                "--size", "16", "--steps", "200", "--batch", "4", "--warmup", "2", "--checkpoint-every", "100", "--sample-every", "100", "--plain");
            await WatchTrainRun(panel, run, train);
        }

        private async Task WatchTrainRun(PanelFixture panel, string run, ChildProcess train)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!Directory.Exists(run) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            // Read the event stream as the page does, until the run's last step, grid and checkpoint have arrived.
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            using HttpResponseMessage response = await panel.Http.GetAsync("/api/events?run=from-cli", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
            var steps = new SortedSet<long>();
            long gridStep = 0;
            long checkpointStep = 0;
            var names = new List<string>();
            string? name = null;
            while (!(steps.Contains(200) && gridStep == 200 && checkpointStep == 200))
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    // Say what the stream had brought and what train was doing, so a stall can be told from a slow run.
                    Assert.Fail($"no end of the run on the event stream in 180 s: events {string.Join(" ", names.GroupBy(n => n).Select(g => $"{g.Key}x{g.Count()}"))}, "
                        + $"steps seen {string.Join(",", steps)}, grid {gridStep}, checkpoint {checkpointStep}; train {(train.HasExited ? "exited" : "still running")}:\n{train.Output}");
                    throw;
                }

                Assert.True(line != null, "the event stream ended early");
                if (line!.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line.Substring(7);
                    names.Add(name);
                    continue;
                }

                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                JsonNode data = JsonNode.Parse(line.Substring(6))!;
                IEnumerable<JsonNode?> points = name switch
                {
                    "points" => data["points"]!.AsArray(),
                    "snapshot" => data["points"]!.AsArray(),
                    _ => Array.Empty<JsonNode?>(),
                };
                foreach (JsonNode? p in points)
                {
                    steps.Add(p!["step"]!.GetValue<long>());
                }

                JsonNode? grid = name == "grid" ? data : name == "snapshot" ? data["grid"] : null;
                if (grid != null)
                {
                    gridStep = Math.Max(gridStep, grid["step"]!.GetValue<long>());
                }

                JsonArray? checkpoints = name == "checkpoints" || name == "snapshot" ? data["checkpoints"]!.AsArray() : null;
                if (checkpoints is { Count: > 0 })
                {
                    checkpointStep = Math.Max(checkpointStep, checkpoints[^1]!["step"]!.GetValue<long>());
                }
            }

            (int code, string output) = train.WaitForExit(TimeSpan.FromSeconds(60));
            Assert.True(code == 0, output);
            _output.WriteLine($"events: {string.Join(" ", names.GroupBy(n => n).Select(g => $"{g.Key}x{g.Count()}"))}; steps seen {steps.Min}..{steps.Max} ({steps.Count})");

            // `train` logs every 10th step; the panel showed each of them, and more than one update arrived while it ran.
            Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 10L).ToArray(), steps.ToArray());
            Assert.True(names.Count(n => n == "points") >= 2, "the steps arrived in one piece, not live");

            // The same run can be exported from the panel.
            using HttpResponseMessage export = await panel.PostJson("/api/runs/from-cli/export", new JsonObject { ["checkpoint"] = Checkpoint.FileName(200), ["name"] = "final" });
            Assert.Equal(HttpStatusCode.Created, export.StatusCode);
            Assert.True(File.Exists(Path.Combine(run, "exports", "final", "unet", "config.json")));
        }

        private static ChildProcess Start(string workingDirectory, params string[] args) =>
            ChildProcess.StartDll("livediffusion.dll", args, start => start.WorkingDirectory = workingDirectory);

        private static void Signal(ChildProcess process, string signal)
        {
            using ChildProcess kill = ChildProcess.Start("kill", new[] { "-" + signal, process.Id.ToString() });
            (int code, string output) = kill.WaitForExit(TimeSpan.FromSeconds(10));
            Assert.True(code == 0, output);
        }
    }
}
