using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Training;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Editor.Tests.Panel
{
    /// <summary>The panel's HTTP surface through real requests: token, loopback, paths, malformed requests, one run at a time, shutdown.</summary>
    public sealed class PanelHttpTests
    {
        private readonly ITestOutputHelper _output;

        public PanelHttpTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public async Task EveryApiCallThePageAndTheEventStreamNeedTheSessionToken()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            using var anonymous = new HttpClient { BaseAddress = panel.Server.Address };
            (HttpMethod Method, string Path)[] guarded =
            {
                (HttpMethod.Get, "/"),
                (HttpMethod.Get, "/api/state"),
                (HttpMethod.Get, "/api/runs"),
                (HttpMethod.Get, "/api/presets"),
                (HttpMethod.Get, "/api/events"),
                (HttpMethod.Post, "/api/dataset/inspect"),
                (HttpMethod.Post, "/api/presets/measure"),
                (HttpMethod.Post, "/api/runs"),
                (HttpMethod.Post, "/api/training/stop"),
                (HttpMethod.Get, "/api/runs/any/samples/step-1.png"),
                (HttpMethod.Post, "/api/runs/any/export"),
            };
            foreach ((HttpMethod method, string path) in guarded)
            {
                using HttpResponseMessage none = await anonymous.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
                Assert.True(none.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} without a token: {(int)none.StatusCode}");
                Assert.Contains("token", (await PanelFixture.ReadJson(none))["error"]!.GetValue<string>());

                var wrong = new HttpRequestMessage(method, path.Contains('?') ? path + "&token=nope" : path + "?token=nope");
                using HttpResponseMessage bad = await anonymous.SendAsync(wrong);
                Assert.True(bad.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with a wrong token: {(int)bad.StatusCode}");
            }

            // With the token (header, or query where a browser cannot set headers) the same calls get through.
            using HttpResponseMessage state = await panel.Http.GetAsync("/api/state");
            Assert.Equal(HttpStatusCode.OK, state.StatusCode);
            using HttpResponseMessage page = await anonymous.GetAsync("/?token=" + panel.Server.Token);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("training panel", await page.Content.ReadAsStringAsync());

            // Static assets (the page's script and the chart library) carry no secrets and need no token.
            using HttpResponseMessage chart = await anonymous.GetAsync("/assets/uPlot.iife.min.js");
            Assert.Equal(HttpStatusCode.OK, chart.StatusCode);
            Assert.Contains("uPlot", await chart.Content.ReadAsStringAsync());
            using HttpResponseMessage other = await anonymous.GetAsync("/assets/..%2Fweb%2Findex.html");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        [Fact]
        public async Task TheServerListensOnLoopbackOnlyAndRefusesForeignHostNames()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            Assert.Equal("127.0.0.1", panel.Server.Address.Host);
            Assert.StartsWith($"http://127.0.0.1:{panel.Server.Address.Port}/?token=", panel.Server.PageUrl.ToString());

            // A page on another site reaching 127.0.0.1 through DNS rebinding sends its own host name.
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/state");
            request.Headers.Host = "attacker.example:" + panel.Server.Address.Port;
            using HttpResponseMessage rebound = await panel.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);

            // Every non-loopback address of this machine refuses the connection.
            IPAddress[] external = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                .ToArray();
            foreach (IPAddress address in external)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                SocketException refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(address, panel.Server.Address.Port));
                _output.WriteLine($"{address}:{panel.Server.Address.Port}: {refused.SocketErrorCode}");
            }
        }

        [Fact]
        public async Task PathsOutsideTheChosenFoldersAreRefused()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            string outside = Path.Combine(panel.Root, "outside");
            Directory.CreateDirectory(outside);
            File.Copy(Directory.GetFiles(Path.Combine(panel.DataRoot, "tiles", "checks"), "checks-*.png")[0], Path.Combine(outside, "a.png"));
            File.CreateSymbolicLink(Path.Combine(panel.DataRoot, "link-out"), outside);

            foreach (string folder in new[] { "../outside", outside, "/etc", "tiles/../../outside", "link-out" })
            {
                using HttpResponseMessage r = await panel.PostJson("/api/dataset/inspect", new JsonObject { ["folder"] = folder, ["size"] = 16 });
                JsonNode error = await PanelFixture.ReadJson(r);
                Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"dataset '{folder}': {(int)r.StatusCode} {error}");
                Assert.Equal("dataset", error["field"]!.GetValue<string>());
                Assert.Contains("outside", error["error"]!.GetValue<string>());
            }

            // A finished run to aim at.
            using (HttpResponseMessage started = await panel.PostJson("/api/runs", PanelFixture.TinyRun("target", steps: 4, checkpointEvery: 2, sampleEvery: 2)))
            {
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            }

            await panel.WaitForStep("target", 4, TimeSpan.FromSeconds(120));
            Assert.True(File.Exists(Path.Combine(panel.RunsFolder, "target", "run.json")));

            string token = "?token=" + panel.Server.Token;
            using var raw = new HttpClient { BaseAddress = panel.Server.Address };
            foreach (string path in new[]
            {
                "/api/runs/target/samples/..%2Frun.json",
                "/api/runs/target/samples/run.json",
                "/api/runs/..%2F..%2Fetc/samples/step-0000002.png",
                "/api/runs/target/samples/step-2.png%00.txt",
                "/api/runs/.hidden/samples/step-0000002.png",
            })
            {
                using HttpResponseMessage r = await raw.GetAsync(path + token);
                Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)r.StatusCode}");
            }

            // Dot segments never reach a handler: the server normalises them away and finds nothing there.
            using (HttpResponseMessage dots = await raw.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(panel.Server.Address, "/api/runs/target/samples/x/../../run.json" + token))))
            {
                Assert.NotEqual(HttpStatusCode.OK, dots.StatusCode);
            }

            using (HttpResponseMessage grid = await raw.GetAsync("/api/runs/target/samples/step-0000002.png" + token))
            {
                Assert.Equal(HttpStatusCode.OK, grid.StatusCode);
                Assert.Equal("image/png", grid.Content.Headers.ContentType!.MediaType);
            }

            foreach (JsonObject export in new[]
            {
                new JsonObject { ["checkpoint"] = "checkpoint-0000004.safetensors", ["name"] = "../escaped" },
                new JsonObject { ["checkpoint"] = "../../target/run.json", ["name"] = "ok" },
                new JsonObject { ["checkpoint"] = "checkpoint-0000004.safetensors", ["name"] = "/tmp/x" },
            })
            {
                using HttpResponseMessage r = await panel.PostJson("/api/runs/target/export", export);
                Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"export {export.ToJsonString()}: {(int)r.StatusCode}");
            }

            JsonObject resume = PanelFixture.TinyRun("target", steps: 8);
            resume["resume"] = "../target/checkpoints/checkpoint-0000004.safetensors";

            // The log reaches step 4 before the run has written its last checkpoint and let go of the trainer; until
            // then a new run is refused as busy (409), which is not what this test is about.
            DateTime idleBy = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < idleBy)
            {
                using HttpResponseMessage probe = await panel.PostJson("/api/runs", resume);
                if (probe.StatusCode != HttpStatusCode.Conflict)
                {
                    break;
                }

                await Task.Delay(200);
            }

            using (HttpResponseMessage r = await panel.PostJson("/api/runs", resume))
            {
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Equal("resume", (await PanelFixture.ReadJson(r))["field"]!.GetValue<string>());
            }

            JsonObject escapeRun = PanelFixture.TinyRun("../escape", steps: 4);
            using (HttpResponseMessage r = await panel.PostJson("/api/runs", escapeRun))
            {
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Equal("name", (await PanelFixture.ReadJson(r))["field"]!.GetValue<string>());
            }

            Assert.False(Directory.Exists(Path.Combine(panel.Root, "escape")));
            Assert.False(Directory.Exists(Path.Combine(panel.Root, "escaped")));
        }

        [Fact]
        public async Task MalformedRequestsGetA4xxWithAReasonAndTheServerKeepsServing()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();
            (string Path, string Body, HttpStatusCode Status, string Says)[] cases =
            {
                ("/api/runs", "{\"name\": ", HttpStatusCode.BadRequest, "Malformed"),
                ("/api/runs", "[1, 2]", HttpStatusCode.BadRequest, "Malformed"),
                ("/api/runs", "null", HttpStatusCode.BadRequest, "null"),
                ("/api/runs", "", HttpStatusCode.BadRequest, "body"),
                ("/api/runs", "{\"steps\": \"many\"}", HttpStatusCode.BadRequest, "steps"),
                ("/api/runs", "{\"stepz\": 5}", HttpStatusCode.BadRequest, "stepz"),
                ("/api/runs", "{\"name\": \"a\", \"dataset\": \"tiles\", \"size\": 20, \"steps\": 0, \"batchSize\": -1, \"learningRate\": 5, \"preset\": \"huge\"}", HttpStatusCode.BadRequest, "fields need fixing"),
                ("/api/runs", "{\"name\": \"a\", \"dataset\": \"no-such-folder\", \"preset\": \"tiny\", \"size\": 16, \"steps\": 10, \"warmupSteps\": 0}", HttpStatusCode.BadRequest, "No folder"),
                ("/api/dataset/inspect", "{\"folder\": \"tiles\", \"size\": 7}", HttpStatusCode.BadRequest, "multiple of 8"),
                ("/api/presets/measure", "{\"size\": 16, \"channels\": 9}", HttpStatusCode.BadRequest, "channels"),
                ("/api/training/jump", "{}", HttpStatusCode.NotFound, "pause, resume, stop or save"),
                ("/api/training/pause", "{}", HttpStatusCode.Conflict, "no run is training"),
                ("/api/runs/nothing-here/export", "{\"checkpoint\": \"checkpoint-0000001.safetensors\", \"name\": \"x\"}", HttpStatusCode.NotFound, "No run"),
                ("/api/nowhere", "{}", HttpStatusCode.NotFound, "Nothing at"),
            };
            foreach ((string path, string body, HttpStatusCode status, string says) in cases)
            {
                using HttpResponseMessage r = await panel.PostJson(path, body);
                string text = await r.Content.ReadAsStringAsync();
                _output.WriteLine($"POST {path} {body} -> {(int)r.StatusCode} {text}");
                Assert.True(r.StatusCode == status, $"POST {path} {body}: {(int)r.StatusCode} {text}");
                Assert.Contains(says, text);
            }

            using HttpResponseMessage query = await panel.Http.GetAsync("/api/presets?size=abc");
            Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
            Assert.Equal("size", (await PanelFixture.ReadJson(query))["field"]!.GetValue<string>());

            // The invalid-fields answer names each field, so the page can mark them.
            using HttpResponseMessage invalid = await panel.PostJson("/api/runs", "{\"name\": \"a\", \"dataset\": \"tiles\", \"size\": 20, \"steps\": 0, \"batchSize\": -1, \"warmupSteps\": 5}");
            string[] fields = (await PanelFixture.ReadJson(invalid))["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToArray();
            Assert.Equal(new[] { "size", "steps", "batchSize", "warmupSteps" }, fields);

            using HttpResponseMessage still = await panel.Http.GetAsync("/api/state");
            Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        }

        [Fact]
        public async Task RotationClassesReachTheDatasetAndWrongOnesNameTheirField()
        {
            await using PanelFixture panel = await PanelFixture.StartAsync();

            // Not class-conditional: refused before any folder is read.
            JsonObject flat = PanelFixture.TinyRun("rotate", steps: 2);
            flat["rotate90Classes"] = "checks";
            using (HttpResponseMessage r = await panel.PostJson("/api/runs", flat))
            {
                JsonNode error = await PanelFixture.ReadJson(r);
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Equal(new[] { "rotate90Classes" }, error["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToArray());
            }

            // A class the folder does not have: the answer names the field and lists the classes there are.
            JsonObject unknown = PanelFixture.TinyRun("rotate", steps: 2);
            unknown["classConditional"] = true;
            unknown["rotate90Classes"] = "checks, ceiling";
            using (HttpResponseMessage r = await panel.PostJson("/api/runs", unknown))
            {
                JsonNode error = await PanelFixture.ReadJson(r);
                Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
                Assert.Equal("rotate90Classes", error["field"]!.GetValue<string>());
                Assert.Contains("'ceiling'", error["error"]!.GetValue<string>());
                Assert.Contains("checks, stripes", error["error"]!.GetValue<string>());
            }

            Assert.False(Directory.Exists(Path.Combine(panel.RunsFolder, "rotate", "checkpoints")));

            // A good one trains, and the run records which classes were rotated.
            JsonObject good = PanelFixture.TinyRun("rotate", steps: 2, checkpointEvery: 2, sampleEvery: 0);
            good["classConditional"] = true;
            good["rotate90Classes"] = " checks ";
            using (HttpResponseMessage r = await panel.PostJson("/api/runs", good))
            {
                Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
            }

            await panel.WaitForStep("rotate", 2, TimeSpan.FromSeconds(120));
            JsonNode data = JsonNode.Parse(File.ReadAllText(Path.Combine(panel.RunsFolder, "rotate", "run.json")))!["options"]!["Data"]!;
            Assert.Equal(new[] { "checks" }, data["OrientationClasses"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray());
            Assert.True(data["Rotate90"]!.GetValue<bool>());
        }

        [Fact]
        public async Task OneRunAtATimeAndStoppingTheServerStopsTrainingWithACheckpoint()
        {
            PanelFixture panel = await PanelFixture.StartAsync();
            string runFolder = Path.Combine(panel.RunsFolder, "long");
            try
            {
                using (HttpResponseMessage started = await panel.PostJson("/api/runs", PanelFixture.TinyRun("long", steps: 100_000, checkpointEvery: 1000, sampleEvery: 0)))
                {
                    Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
                }

                await panel.WaitForStep("long", 3, TimeSpan.FromSeconds(120));
                using (HttpResponseMessage second = await panel.PostJson("/api/runs", PanelFixture.TinyRun("other", steps: 10)))
                {
                    JsonNode error = await PanelFixture.ReadJson(second);
                    Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
                    Assert.Contains("already training run 'long'", error["error"]!.GetValue<string>());
                }

                Assert.False(Directory.Exists(Path.Combine(panel.RunsFolder, "other")));
                Assert.Empty(Checkpoint.List(Path.Combine(runFolder, "checkpoints")));
            }
            finally
            {
                var clock = Stopwatch.StartNew();
                await panel.DisposeServerOnly();
                _output.WriteLine($"server stopped in {clock.ElapsedMilliseconds} ms");
            }

            // Stopping the server stopped the run after its current step and wrote a checkpoint at that step.
            Checkpoint? last = Checkpoint.Latest(Path.Combine(runFolder, "checkpoints"));
            Assert.NotNull(last);
            Assert.True(last!.Step >= 3, $"checkpoint at step {last.Step}");
            string[] log = File.ReadAllLines(Path.Combine(runFolder, "train_log.jsonl"));
            Assert.Equal(last.Step, JsonNode.Parse(log[^1])!["step"]!.GetValue<long>());
            await panel.DisposeAsync();
        }
    }
}
