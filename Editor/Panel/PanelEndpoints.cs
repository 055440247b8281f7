using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The panel's routes. Every request first passes <see cref="PanelSecurity"/>; refusals and bad requests become
    /// JSON errors <c>{ "error": "...", "field": "...", "errors": [...] }</c> with a 4xx status, never a crash.
    /// </summary>
    internal static class PanelEndpoints
    {
        private static readonly Dictionary<string, string> Assets = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["panel.js"] = "text/javascript; charset=utf-8",
            ["panel.css"] = "text/css; charset=utf-8",
            ["uPlot.iife.min.js"] = "text/javascript; charset=utf-8",
            ["uPlot.min.css"] = "text/css; charset=utf-8",
            ["uPlot.LICENSE.txt"] = "text/plain; charset=utf-8",
        };

        private static readonly JsonSerializerOptions RequestJson = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };

        public static void Map(WebApplication app, PanelOptions options, PanelSecurity security, EventHub hub, RunCatalog runs, TrainingHost host, PresetCatalog presets)
        {
            app.Use(async (context, next) =>
            {
                context.Response.Headers["Cache-Control"] = "no-store";
                context.Response.Headers["X-Content-Type-Options"] = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
                context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'";
                (int Status, string Reason)? denied = security.Check(context);
                if (denied.HasValue)
                {
                    await WriteError(context, denied.Value.Status, denied.Value.Reason, null, null);
                    return;
                }

                try
                {
                    await next(context);
                }
                catch (PanelRequestException e)
                {
                    await WriteError(context, e.StatusCode, e.Message, e.Field, e.Errors);
                }
                catch (JsonException e)
                {
                    string field = e.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : string.Empty;
                    await WriteError(context, 400, $"Malformed request body: {e.Message}", field.Length > 0 ? field : null, null);
                }
                catch (BadHttpRequestException e)
                {
                    await WriteError(context, e.StatusCode, $"Bad request: {e.Message}", null, null);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || app.Lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    // The page went away or the server is stopping.
                }
                catch (Exception e)
                {
                    options.Log?.Invoke($"panel: {context.Request.Method} {context.Request.Path}: {e}");
                    await WriteError(context, 500, $"The panel could not do that: {e.GetType().Name}: {e.Message}", null, null);
                }
            });

            app.MapGet("/", async context =>
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await WriteResource(context, "index.html");
            });

            app.MapGet("/assets/{name}", async (HttpContext context, string name) =>
            {
                if (!Assets.TryGetValue(name, out string? type))
                {
                    throw new PanelRequestException(404, $"No asset '{name}'.");
                }

                context.Response.Headers["Cache-Control"] = "max-age=3600";
                context.Response.ContentType = type;
                await WriteResource(context, name);
            });

            app.MapGet("/api/state", () => Results.Json(new
            {
                state = host.State,
                runs = runs.List(),
                runsFolder = runs.RunsFolder,
                dataRoot = options.DataRoot,
                presets = ModelPresets.Names,
                defaults = new RunRequest(),
                onnx = new { available = true, reason = string.Empty },
            }, EventHub.Json));

            app.MapPost("/api/dataset/inspect", async context =>
            {
                DatasetRequest request = await ReadJson<DatasetRequest>(context);
                if (request.Size < 8 || request.Size > 256 || request.Size % 8 != 0)
                {
                    throw new PanelRequestException(400, $"Size {request.Size} px: use a multiple of 8 from 8 to 256.", "size");
                }

                DatasetReport report = await Task.Run(() => DatasetInspector.Inspect(options.DataRoot, request.Folder, new DatasetOptions { Size = request.Size, ClassConditional = request.ClassConditional }).Report);
                await context.Response.WriteAsJsonAsync(report, EventHub.Json);
            });

            app.MapGet("/api/presets", (HttpContext context) =>
            {
                int size = QueryInt(context, "size", 32);
                int channels = QueryInt(context, "channels", 3);
                int classes = QueryInt(context, "classes", 0);
                int batch = QueryInt(context, "batchSize", 16);
                return Results.Json(new { presets = presets.Describe(size, channels, classes, batch) }, EventHub.Json);
            });

            app.MapPost("/api/presets/measure", async context =>
            {
                PresetRequest request = await ReadJson<PresetRequest>(context);
                if (host.State.Busy)
                {
                    throw new PanelRequestException(409, "A run is training: a step-time measurement now would be wrong (and slow the run down). Measure when no run is training.");
                }

                IReadOnlyList<PresetInfo> measured = await Task.Run(() => presets.Measure(request.Size, request.Channels, request.Classes, request.BatchSize));
                await context.Response.WriteAsJsonAsync(new { presets = measured }, EventHub.Json);
            });

            app.MapGet("/api/runs", () => Results.Json(new { runs = runs.List() }, EventHub.Json));

            app.MapPost("/api/runs", async context =>
            {
                RunRequest request = await ReadJson<RunRequest>(context);
                string run = await Task.Run(() => host.Start(request));
                context.Response.StatusCode = 202;
                await context.Response.WriteAsJsonAsync(new { run }, EventHub.Json);
            });

            app.MapPost("/api/training/{action}", (string action) =>
            {
                switch (action)
                {
                    case "pause": host.Pause(); break;
                    case "resume": host.Resume(); break;
                    case "stop": host.Stop(); break;
                    case "save": host.SaveNow(); break;
                    default: throw new PanelRequestException(404, $"Unknown action '{action}': use pause, resume, stop or save.");
                }

                return Results.Json(new { state = host.State }, EventHub.Json);
            });

            app.MapGet("/api/runs/{run}", (string run) => Results.Json(runs.Monitor(run).Snapshot(), EventHub.Json));

            app.MapGet("/api/runs/{run}/samples/{file}", async (HttpContext context, string run, string file) =>
            {
                string folder = Path.Combine(PathGuard.RunFolder(runs.RunsFolder, run), "samples");
                string path = PathGuard.Inside(folder, PathGuard.SampleFile(file), "file");
                if (!File.Exists(path))
                {
                    throw new PanelRequestException(404, $"Run '{run}' has no sample grid {file}.", "file");
                }

                context.Response.ContentType = "image/png";
                await context.Response.SendFileAsync(path);
            });

            app.MapPost("/api/runs/{run}/export", async (HttpContext context, string run) =>
            {
                string folder = runs.Monitor(run).Folder;
                ExportRequest request = await ReadJson<ExportRequest>(context);
                string exported = await Task.Run(() => PanelExports.Export(folder, request.Checkpoint, request.Name, request.Format));
                context.Response.StatusCode = 201;
                bool onnx = request.Format == "onnx";
                await context.Response.WriteAsJsonAsync(new { folder = exported, format = onnx ? "onnx" : "folder", onnx = onnx ? Path.Combine(exported, "unet", "model.onnx") : null }, EventHub.Json);
            });

            app.MapGet("/api/events", async context =>
            {
                string? run = context.Request.Query["run"].ToString();
                RunMonitor? monitor = string.IsNullOrEmpty(run) ? null : runs.Monitor(run);
                using EventSubscription subscription = hub.Subscribe(monitor?.Name);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app.Lifetime.ApplicationStopping);
                context.Response.ContentType = "text/event-stream";
                context.Response.Headers["Cache-Control"] = "no-cache";
                context.Response.Headers["X-Accel-Buffering"] = "no";
                await WriteEvent(context, new PanelEvent("state", JsonSerializer.Serialize(host.State, EventHub.Json)));
                await WriteEvent(context, new PanelEvent("runs", JsonSerializer.Serialize(new { runs = runs.List() }, EventHub.Json)));
                if (monitor != null)
                {
                    await WriteEvent(context, new PanelEvent("snapshot", JsonSerializer.Serialize(monitor.Snapshot(), EventHub.Json)));
                }

                await context.Response.Body.FlushAsync(stop.Token);
                try
                {
                    while (true)
                    {
                        using var beat = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                        beat.CancelAfter(TimeSpan.FromSeconds(15));
                        bool more;
                        try
                        {
                            more = await subscription.Reader.WaitToReadAsync(beat.Token);
                        }
                        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                        {
                            await context.Response.WriteAsync(": keep-alive\n\n", stop.Token);
                            await context.Response.Body.FlushAsync(stop.Token);
                            continue;
                        }

                        if (!more)
                        {
                            break;
                        }

                        while (subscription.Reader.TryRead(out PanelEvent? e))
                        {
                            await WriteEvent(context, e);
                        }

                        await context.Response.Body.FlushAsync(stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Page closed or server stopping.
                }
            });

            app.MapFallback(context => throw new PanelRequestException(404, $"Nothing at {context.Request.Method} {context.Request.Path}."));
        }

        private static async Task<T> ReadJson<T>(HttpContext context)
            where T : class
        {
            if (context.Request.ContentLength == 0)
            {
                throw new PanelRequestException(400, "The request has no body; send a JSON object.");
            }

            T? value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, RequestJson, context.RequestAborted);
            return value ?? throw new PanelRequestException(400, "The request body is JSON null; send a JSON object.");
        }

        private static int QueryInt(HttpContext context, string name, int fallback)
        {
            string? text = context.Request.Query[name].ToString();
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw new PanelRequestException(400, $"'{text}' is not a whole number.", name);
        }

        private static async Task WriteEvent(HttpContext context, PanelEvent e)
        {
            var text = new StringBuilder();
            text.Append("event: ").Append(e.Name).Append('\n');
            text.Append("data: ").Append(e.Json).Append("\n\n");
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        }

        private static async Task WriteResource(HttpContext context, string name)
        {
            Assembly assembly = typeof(PanelEndpoints).Assembly;
            using Stream stream = assembly.GetManifestResourceStream("web/" + name)
                ?? throw new PanelRequestException(404, $"The panel was built without web/{name}.");
            await stream.CopyToAsync(context.Response.Body, context.RequestAborted);
        }

        private static async Task WriteError(HttpContext context, int status, string message, string? field, IReadOnlyList<FieldError>? errors)
        {
            if (context.Response.HasStarted)
            {
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = status;
            await context.Response.WriteAsJsonAsync(new { error = message, field, errors = errors ?? Array.Empty<FieldError>() }, EventHub.Json);
        }
    }
}
