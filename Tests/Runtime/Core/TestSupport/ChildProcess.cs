using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace LiveDiffusion.Tests
{
    /// <summary>
    /// A process started by a test, the one way tests start processes. Its stdout and stderr are drained together
    /// from the moment it starts (two background readers, line by line), so a chatty child can never block on a full
    /// pipe; every wait has a deadline, and a missed deadline kills the process tree and fails the test with what the
    /// process printed. Disposing kills the tree if it is still running.
    /// </summary>
    public sealed class ChildProcess : IDisposable
    {
        private readonly Process _process;
        private readonly object _gate = new object();
        private readonly StringBuilder _stdout = new StringBuilder();
        private readonly StringBuilder _stderr = new StringBuilder();
        private readonly StringBuilder _all = new StringBuilder();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = new List<(Func<string, bool>, TaskCompletionSource<string>)>();
        private readonly Task _pumps;
        private bool _disposed;

        private ChildProcess(ProcessStartInfo start)
        {
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.RedirectStandardInput = false;
            start.UseShellExecute = false;
            Name = Path.GetFileName(start.ArgumentList.Count > 0 && start.FileName == "dotnet" ? start.ArgumentList[0] : start.FileName);
            _process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
            _pumps = Task.WhenAll(
                Task.Run(() => Pump(_process.StandardOutput, _stdout)),
                Task.Run(() => Pump(_process.StandardError, _stderr)));
        }

        /// <summary>What the process is called in failure messages (the program or the .dll it runs).</summary>
        public string Name { get; }

        /// <summary>The operating system's process id.</summary>
        public int Id => _process.Id;

        /// <summary>Whether the process has exited.</summary>
        public bool HasExited => _process.HasExited;

        /// <summary>Everything printed on stdout so far.</summary>
        public string Stdout
        {
            get
            {
                lock (_gate)
                {
                    return _stdout.ToString();
                }
            }
        }

        /// <summary>Everything printed on stderr so far.</summary>
        public string Stderr
        {
            get
            {
                lock (_gate)
                {
                    return _stderr.ToString();
                }
            }
        }

        /// <summary>Both streams so far, lines in the order they were read.</summary>
        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _all.ToString();
                }
            }
        }

        /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; <paramref name="configure"/> may set the folder or the environment.</summary>
        public static ChildProcess Start(string fileName, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
        {
            var start = new ProcessStartInfo(fileName);
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            configure?.Invoke(start);
            return new ChildProcess(start);
        }

        /// <summary>Runs <c>dotnet DLL ARGS</c>, the DLL taken from the test output folder.</summary>
        public static ChildProcess StartDll(string dll, IEnumerable<string> arguments, Action<ProcessStartInfo>? configure = null)
        {
            var all = new List<string> { Path.Combine(AppContext.BaseDirectory, dll) };
            all.AddRange(arguments);
            return Start("dotnet", all, configure);
        }

        /// <summary>
        /// Waits for the process to exit and for both streams to be read to their end. Past <paramref name="deadline"/>
        /// it kills the process tree and fails the test with everything the process printed.
        /// </summary>
        public (int ExitCode, string Output) WaitForExit(TimeSpan deadline)
        {
            var clock = Stopwatch.StartNew();
            if (!_process.WaitForExit((int)Math.Min(int.MaxValue, deadline.TotalMilliseconds)))
            {
                Kill();
                Assert.Fail($"{Name} did not exit within {deadline.TotalSeconds:F0} s and was killed; it printed:\n{Output}");
            }

            // A grandchild that inherited the pipes could keep them open: the readers get a bounded wait too.
            TimeSpan left = deadline - clock.Elapsed;
            if (!_pumps.Wait(left > TimeSpan.FromSeconds(10) ? left : TimeSpan.FromSeconds(10)))
            {
                Assert.Fail($"{Name} exited but its output stayed open (a child process holds it); it printed:\n{Output}");
            }

            return (_process.ExitCode, Output);
        }

        /// <summary>
        /// The first line (stdout or stderr, already printed or still to come) that <paramref name="match"/> accepts. Past
        /// <paramref name="deadline"/>, or when the process ends without printing one, the test fails with the output.
        /// </summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                foreach (string line in _all.ToString().Split('\n'))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }

                _waiters.Add((match, found));
            }

            Task first = await Task.WhenAny(found.Task, _pumps, Task.Delay(deadline));
            if (first != found.Task)
            {
                string why = first == _pumps ? "ended its output" : $"printed none within {deadline.TotalSeconds:F0} s";
                Assert.Fail($"{Name} {why} without the line awaited; it printed:\n{Output}");
            }

            return await found.Task;
        }

        /// <summary>Kills the whole process tree (SIGKILL on Linux) and waits, boundedly, for it to be gone.</summary>
        public void Kill()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }

            _process.WaitForExit(30_000);
        }

        /// <summary>Kills the process tree if it still runs, and releases the process.</summary>
        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!_process.HasExited)
            {
                Kill();
            }

            _pumps.Wait(TimeSpan.FromSeconds(10));
            _process.Dispose();
        }

        private void Pump(StreamReader reader, StringBuilder own)
        {
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lock (_gate)
                {
                    own.Append(line).Append('\n');
                    _all.Append(line).Append('\n');
                    for (int i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Match(line))
                        {
                            _waiters[i].Found.TrySetResult(line);
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
    }
}
