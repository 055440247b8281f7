using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Panel;
using LiveDiffusion.Editor.Tests.Training;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Panel
{
    /// <summary>
    /// A real panel server on 127.0.0.1 (free port) over temporary folders: a data root holding <c>tiles/</c> (the
    /// synthetic 16x16 dataset with three bad files) and a runs folder. Talks to it through real HTTP.
    /// </summary>
    internal sealed class PanelFixture : IAsyncDisposable
    {
        private readonly TinyDataset _data;

        private PanelFixture(string root, TinyDataset data, PanelServer server)
        {
            Root = root;
            _data = data;
            Server = server;
            Http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(120) };
            Http.DefaultRequestHeaders.Add("X-LiveDiffusion-Token", server.Token);
        }

        public string Root { get; }

        public string DataRoot => Path.Combine(Root, "data");

        public string RunsFolder => Path.Combine(Root, "runs");

        public PanelServer Server { get; }

        /// <summary>A client that sends the session token.</summary>
        public HttpClient Http { get; }

        public static async Task<PanelFixture> StartAsync()
        {
            string root = Path.Combine(Path.GetTempPath(), "ld-panel-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path.Combine(root, "data"));
            var data = new TinyDataset(size: 16, perClass: 6, withBadFiles: true);
            Directory.Move(data.Folder, Path.Combine(root, "data", "tiles"));
            PanelServer server = await PanelServer.StartAsync(new PanelOptions
            {
                RunsFolder = Path.Combine(root, "runs"),
                DataRoot = Path.Combine(root, "data"),
                Port = 0,
            });
            return new PanelFixture(root, data, server);
        }

        /// <summary>A recipe for a tiny run on <c>tiles/</c> (16x16, tiny preset, batch 4).</summary>
        public static JsonObject TinyRun(string name, int steps, int checkpointEvery = 25, int sampleEvery = 10) => new JsonObject
        {
            ["name"] = name,
            ["dataset"] = "tiles",
            ["preset"] = "tiny",
            ["size"] = 16,
            ["steps"] = steps,
            ["batchSize"] = 4,
            ["learningRate"] = 1e-3,
            ["warmupSteps"] = 2,
            ["checkpointEvery"] = checkpointEvery,
            ["sampleEvery"] = sampleEvery,
            ["sampleCount"] = 4,
            ["sampleSteps"] = 4,
        };

        public Task<HttpResponseMessage> PostJson(string path, string json) =>
            Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

        public Task<HttpResponseMessage> PostJson(string path, JsonNode json) => PostJson(path, json.ToJsonString());

        public static async Task<JsonNode> ReadJson(HttpResponseMessage response)
        {
            string text = await response.Content.ReadAsStringAsync();
            return JsonNode.Parse(text) ?? throw new InvalidDataException("empty JSON: " + text);
        }

        /// <summary>Waits until the run's log (as the panel reads it) reaches <paramref name="step"/>.</summary>
        public async Task WaitForStep(string run, long step, TimeSpan timeout)
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                HttpResponseMessage response = await Http.GetAsync($"/api/runs/{run}");
                if (response.IsSuccessStatusCode)
                {
                    JsonNode snapshot = await ReadJson(response);
                    JsonArray points = snapshot["points"]!.AsArray();
                    if (points.Count > 0 && points[^1]!["step"]!.GetValue<long>() >= step)
                    {
                        return;
                    }
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"run {run} did not reach step {step} in {timeout}");
        }

        /// <summary>Stops the server (and a run in progress) but keeps the folders for inspection.</summary>
        public async Task DisposeServerOnly()
        {
            Http.Dispose();
            await Server.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
            _data.Dispose();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
