#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// The package's training panel started as a process of its own (<c>livediffusion panel</c>: a .NET tool, which an
    /// engine cannot host), for an editor's "Open training panel" button: it waits for the line where the panel
    /// prints its URL (which carries the session token) and hands it back for the browser. Disposing stops the panel.
    /// Needs bash and the .NET SDK (the wrapper builds the tool on first use, which can take minutes).
    /// </summary>
    public sealed class TrainingPanelProcess : IDisposable
    {
        /// <summary>The start of the line the panel prints its URL on.</summary>
        public const string UrlLinePrefix = "LiveDiffusion panel: ";

        private readonly Process _process;

        private TrainingPanelProcess(Process process, Uri url)
        {
            _process = process;
            Url = url;
        }

        /// <summary>The panel's page, with its session token.</summary>
        public Uri Url { get; }

        /// <summary>Whether the panel has stopped.</summary>
        public bool HasExited => _process.HasExited;

        /// <summary>
        /// Starts <c>&lt;packageRoot&gt;/livediffusion panel</c> and waits up to <paramref name="timeout"/> for its URL.
        /// <paramref name="command"/> replaces the script (tests, or a user's own wrapper); it is run with bash.
        /// </summary>
        /// <exception cref="FileNotFoundException">The script is not there; the message names the path.</exception>
        /// <exception cref="InvalidOperationException">The panel stopped before printing its URL; the message holds its output.</exception>
        /// <exception cref="TimeoutException">No URL within the timeout (the panel is stopped); the message holds its output.</exception>
        public static TrainingPanelProcess Start(string packageRoot, TimeSpan timeout, string? command = null)
        {
            string script = command ?? Path.Combine(packageRoot, "livediffusion");
            if (!File.Exists(script))
            {
                throw new FileNotFoundException($"{script} not found: the training panel is started by the package's livediffusion script (give the package's root folder).", script);
            }

            var info = new ProcessStartInfo("bash", "\"" + script.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\" panel")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                CreateNoWindow = true,
                WorkingDirectory = packageRoot,
            };
            Process process = Process.Start(info) ?? throw new InvalidOperationException("bash could not be started.");
            var output = new StringBuilder();
            string? url = null;
            // Not disposed: the handlers may still run when a running panel's streams end later (no kernel handle is made).
            var found = new ManualResetEventSlim();
            var drained = new CountdownEvent(2); // stdout and stderr read to their end
            DataReceivedEventHandler onLine = (_, e) =>
            {
                if (e.Data == null)
                {
                    drained.Signal();
                    found.Set(); // a stream ended: the process is exiting
                    return;
                }

                lock (output)
                {
                    output.AppendLine(e.Data);
                    if (url == null && e.Data.StartsWith(UrlLinePrefix, StringComparison.Ordinal))
                    {
                        url = e.Data.Substring(UrlLinePrefix.Length).Trim();
                        found.Set();
                    }
                }
            };
            process.OutputDataReceived += onLine;
            process.ErrorDataReceived += onLine;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return WaitForUrl(process, found, drained, timeout, output, () => url);
        }

        /// <summary>Stops the panel (a run in progress loses what its last checkpoint did not save).</summary>
        public void Dispose()
        {
            Stop(_process);
            _process.Dispose();
        }

        private static TrainingPanelProcess WaitForUrl(Process process, ManualResetEventSlim found, CountdownEvent drained, TimeSpan timeout, StringBuilder output, Func<string?> url)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                TimeSpan left = timeout - clock.Elapsed;
                bool signalled = left > TimeSpan.Zero && found.Wait(left);
                string? text;
                lock (output)
                {
                    text = url();
                }

                if (text != null && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri))
                {
                    return new TrainingPanelProcess(process, uri);
                }

                bool exited = signalled && process.WaitForExit(1000);
                if (!signalled || exited)
                {
                    Stop(process);

                    // WaitForExit with a timeout does not wait for the output handlers: wait for both streams' last lines.
                    drained.Wait(TimeSpan.FromSeconds(5));
                    string said;
                    lock (output)
                    {
                        said = output.ToString().Trim();
                    }

                    process.Dispose();
                    throw exited
                        ? new InvalidOperationException($"The training panel stopped before printing its URL:\n{said}")
                        : (Exception)new TimeoutException($"The training panel printed no URL within {timeout.TotalSeconds:0} s:\n{said}");
                }

                found.Reset();
            }
        }

        private static void Stop(Process process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
