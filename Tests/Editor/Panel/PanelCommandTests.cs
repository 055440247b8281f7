using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Training;
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
            using Process panel = Start(root, "panel", "--runs", Path.Combine(root, "runs"), "--data-root", root, "--port", "0");
            try
            {
                var printed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var errors = new System.Text.StringBuilder();
                panel.OutputDataReceived += (_, e) =>
                {
                    if (e.Data != null && e.Data.Contains("http://", StringComparison.Ordinal))
                    {
                        printed.TrySetResult(e.Data);
                    }
                };
                panel.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
                panel.BeginOutputReadLine();
                panel.BeginErrorReadLine();
                Task finished = await Task.WhenAny(printed.Task, Task.Delay(TimeSpan.FromSeconds(60)));
                Assert.True(finished == printed.Task, "no URL printed: " + errors);
                string line = await printed.Task;
                Match url = Regex.Match(line, @"(http://127\.0\.0\.1:\d+/)\?token=([A-Za-z0-9_-]{43})");
                Assert.True(url.Success, line);
                using var http = new HttpClient { BaseAddress = new Uri(url.Groups[1].Value) };
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/")).StatusCode);
                HttpResponseMessage page = await http.GetAsync("/?token=" + url.Groups[2].Value);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Contains("<script src=\"/assets/uPlot.iife.min.js\">", await page.Content.ReadAsStringAsync());

                Signal(panel, "TERM");
                Assert.True(panel.WaitForExit(30_000), "panel did not stop on SIGTERM");
                Assert.Equal(0, panel.ExitCode);
            }
            finally
            {
                if (!panel.HasExited)
                {
                    panel.Kill(entireProcessTree: true);
                }

                Directory.Delete(root, recursive: true);
            }
        }

        [Fact]
        public async Task ARunStartedByTheTrainCommandIsWatchedLiveThroughTheEventStream()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            string run = Path.Combine(panel.RunsFolder, "from-cli");
            using Process train = Start(panel.Root, "train", "--data", Path.Combine(panel.DataRoot, "tiles"), "--out", run, "--preset", "tiny",
                "--size", "16", "--steps", "200", "--batch", "4", "--warmup", "2", "--checkpoint-every", "100", "--sample-every", "100", "--threads", "1", "--plain");
            var trainOutput = new System.Text.StringBuilder();
            train.OutputDataReceived += (_, e) => trainOutput.AppendLine(e.Data);
            train.ErrorDataReceived += (_, e) => trainOutput.AppendLine(e.Data);
            train.BeginOutputReadLine();
            train.BeginErrorReadLine();
            try
            {
                await WatchTrainRun(panel, run, train, trainOutput);
            }
            finally
            {
                if (!train.HasExited)
                {
                    train.Kill(entireProcessTree: true);
                }
            }
        }

        private async Task WatchTrainRun(PanelFixture panel, string run, Process train, System.Text.StringBuilder trainOutput)
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
                string? line = await reader.ReadLineAsync(cancel.Token);
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

            Assert.True(train.WaitForExit(60_000));
            Assert.True(train.ExitCode == 0, trainOutput.ToString());
            _output.WriteLine($"events: {string.Join(" ", names.GroupBy(n => n).Select(g => $"{g.Key}x{g.Count()}"))}; steps seen {steps.Min}..{steps.Max} ({steps.Count})");

            // `train` logs every 10th step; the panel showed each of them, and more than one update arrived while it ran.
            Assert.Equal(Enumerable.Range(1, 20).Select(i => i * 10L).ToArray(), steps.ToArray());
            Assert.True(names.Count(n => n == "points") >= 2, "the steps arrived in one piece, not live");

            // The same run can be exported from the panel.
            using HttpResponseMessage export = await panel.PostJson("/api/runs/from-cli/export", new JsonObject { ["checkpoint"] = Checkpoint.FileName(200), ["name"] = "final" });
            Assert.Equal(HttpStatusCode.Created, export.StatusCode);
            Assert.True(File.Exists(Path.Combine(run, "exports", "final", "unet", "config.json")));
        }

        private static Process Start(string workingDirectory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "livediffusion.dll"));
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            return Process.Start(start)!;
        }

        private static void Signal(Process process, string signal)
        {
            using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString() }, UseShellExecute = false })!;
            kill.WaitForExit();
        }
    }
}
