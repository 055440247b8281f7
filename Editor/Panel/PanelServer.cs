using System;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// The editor training panel: an ASP.NET Core server on 127.0.0.1 serving one page to set up, watch and steer
    /// training runs, with a JSON API and a server-sent event stream behind it, all guarded by a per-session token.
    /// Disposing it stops a run in progress after its current step (with a checkpoint), ends the event streams and
    /// stops the server.
    /// </summary>
    /// <example>
    /// <code>
    /// await using PanelServer panel = await PanelServer.StartAsync(new PanelOptions { RunsFolder = "runs" });
    /// Console.WriteLine(panel.PageUrl);   // http://127.0.0.1:PORT/?token=...
    /// </code>
    /// </example>
    public sealed class PanelServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly EventHub _hub;
        private readonly RunCatalog _runs;
        private readonly TrainingHost _host;
        private readonly PanelSecurity _security;
        private int _disposed;

        private PanelServer(WebApplication app, EventHub hub, RunCatalog runs, TrainingHost host, PanelSecurity security, Uri address)
        {
            _app = app;
            _hub = hub;
            _runs = runs;
            _host = host;
            _security = security;
            Address = address;
        }

        /// <summary>The server's address, <c>http://127.0.0.1:PORT/</c>.</summary>
        public Uri Address { get; }

        /// <summary>The session token.</summary>
        public string Token => _security.Token;

        /// <summary>The page to open: the address with the token.</summary>
        public Uri PageUrl => new Uri(Address, "/?token=" + Uri.EscapeDataString(Token));

        /// <summary>Completes when the server is stopping (e.g. the host process got SIGTERM).</summary>
        public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

        /// <summary>Starts the server on 127.0.0.1 (<see cref="PanelOptions.Port"/>, 0 for a free port).</summary>
        /// <exception cref="System.IO.IOException">The port is taken.</exception>
        public static async Task<PanelServer> StartAsync(PanelOptions options, CancellationToken cancellation = default)
        {
            ArgumentNullException.ThrowIfNull(options);
            if (options.Port < 0 || options.Port > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(options), $"Port {options.Port}: use 0 (any free port) to 65535.");
            }

            var security = new PanelSecurity(options.Token);
            var hub = new EventHub();
            var runs = new RunCatalog(options.RunsFolder, hub);
            var normalised = new PanelOptions
            {
                RunsFolder = runs.RunsFolder,
                DataRoot = System.IO.Path.GetFullPath(options.DataRoot),
                Port = options.Port,
                Threads = options.Threads,
                Log = options.Log,
            };
            var host = new TrainingHost(normalised, hub, runs);
            var presets = new PresetCatalog();

            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(PanelServer).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
                Args = Array.Empty<string>(),
            });
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(kestrel =>
            {
                // Loopback only, whatever ASPNETCORE_URLS says.
                kestrel.Listen(IPAddress.Loopback, options.Port);
                kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
                kestrel.AddServerHeader = false;
            });
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(5));
            WebApplication app = builder.Build();
            PanelEndpoints.Map(app, normalised, security, hub, runs, host, presets);
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                // Runs before the server waits for open requests: end training (with a checkpoint) and the event streams.
                host.Dispose();
                hub.CompleteAll();
            });

            try
            {
                await app.StartAsync(cancellation).ConfigureAwait(false);
            }
            catch
            {
                runs.Dispose();
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var address = new Uri(bound.EndsWith('/') ? bound : bound + "/");
            security.Port = address.Port;
            options.Log?.Invoke($"LiveDiffusion panel on {address} (runs: {runs.RunsFolder}, datasets under: {normalised.DataRoot})");
            return new PanelServer(app, hub, runs, host, security, address);
        }

        /// <summary>Waits until the server stops (SIGINT/SIGTERM, or <see cref="DisposeAsync"/> elsewhere).</summary>
        public Task WaitForShutdownAsync(CancellationToken cancellation = default) => _app.WaitForShutdownAsync(cancellation);

        /// <summary>Stops training (after the current step, with a checkpoint), ends the event streams and stops the server.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _host.Dispose();
            _hub.CompleteAll();
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            _runs.Dispose();
        }
    }
}
