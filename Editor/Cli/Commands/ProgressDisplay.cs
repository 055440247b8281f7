using System;
using System.Diagnostics;
using System.IO;
using Spectre.Console;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// The one progress display of every long command (train, generate, evaluate, export, bench batch and soak): a
    /// Spectre.Console bar with the time left on an interactive terminal, and plain lines when output is redirected (a
    /// log, CI, a pipe), so no carriage returns or escape codes ever reach a file. Notes print above the bar, or as lines.
    /// Thread-safe: work on another thread may report.
    /// </summary>
    internal sealed class ProgressDisplay
    {
        /// <summary>The least time between two plain progress lines (the last one always prints).</summary>
        public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

        private readonly object _gate = new object();
        private readonly ProgressTask? _task;
        private readonly IAnsiConsole? _console;
        private readonly TextWriter _plain;
        private readonly string _title;
        private readonly Stopwatch _sincePlainLine = new Stopwatch();
        private string? _lastPlain;

        private ProgressDisplay(string title, TextWriter plain, IAnsiConsole? console = null, ProgressTask? task = null)
        {
            _title = title;
            _plain = plain;
            _console = console;
            _task = task;
        }

        /// <summary>
        /// True when a bar can be drawn: stdout and stderr are a terminal that understands cursor movement, and
        /// <c>TERM</c> is not <c>dumb</c>. Otherwise (redirected, CI) the display prints plain lines.
        /// </summary>
        public static bool Interactive =>
            !Console.IsOutputRedirected && !Console.IsErrorRedirected
            && Environment.GetEnvironmentVariable("TERM") != "dumb"
            && AnsiConsole.Profile.Capabilities.Interactive;

        /// <summary>
        /// Runs <paramref name="work"/> with a display titled <paramref name="title"/> and returns its result; the bar (if
        /// any) stays on screen at its last state. <paramref name="plain"/> asks for plain lines on a terminal too. Plain
        /// lines and notes go to <see cref="Console.Out"/> as it is now (a command that keeps stdout for JSON points it at
        /// stderr first). Exceptions of <paramref name="work"/> pass through.
        /// </summary>
        public static T Run<T>(string title, Func<ProgressDisplay, T> work, bool plain = false)
        {
            if (plain || !Interactive)
            {
                return work(new ProgressDisplay(title, Console.Out));
            }

            // A console of its own over the current Console.Out: with --json that is stderr, and stdout stays JSON only.
            IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            T result = default!;
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context => result = work(new ProgressDisplay(title, Console.Out, console, context.AddTask(Markup.Escape(title), maxValue: 1))));
            return result;
        }

        /// <summary>
        /// Sets how far the work is: <paramref name="done"/> of <paramref name="total"/> units (any unit: steps, images,
        /// parts; a <paramref name="total"/> of 0 is a stage of unknown length) and what is happening. Plain output prints
        /// <c>title: status</c> at most every <see cref="PlainInterval"/> and when <paramref name="done"/> reaches
        /// <paramref name="total"/>.
        /// </summary>
        public void Update(double done, double total, string status)
        {
            if (_task != null)
            {
                _task.IsIndeterminate = total <= 0;
                _task.MaxValue = Math.Max(total, 1);
                _task.Value = Math.Clamp(done, 0, Math.Max(total, 1));
                _task.Description = Markup.Escape($"{_title}: {status}");
                return;
            }

            lock (_gate)
            {
                bool last = total > 0 && done >= total;
                if ((last || !_sincePlainLine.IsRunning || _sincePlainLine.Elapsed >= PlainInterval) && status != _lastPlain)
                {
                    _plain.WriteLine($"{_title}: {status}");
                    _lastPlain = status;
                    _sincePlainLine.Restart();
                }
            }
        }

        /// <summary>A line that stays: printed above the bar, or as a plain line.</summary>
        public void Note(string line)
        {
            if (_console != null)
            {
                _console.MarkupLine(Markup.Escape(line));
                return;
            }

            lock (_gate)
            {
                _plain.WriteLine(line);
            }
        }
    }
}
