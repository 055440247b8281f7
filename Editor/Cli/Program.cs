using System;
using System.CommandLine;
using System.IO;
using System.CommandLine.Parsing;
using System.Linq;
using LiveDiffusion.Cli.Commands;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Cli
{
    /// <summary>The <c>livediffusion</c> command line.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var root = new RootCommand("LiveDiffusion: diffusion models in your game engine — generate, watch every denoising step, train your own.");
            root.Subcommands.Add(SchedulersCommand.Create());
            root.Subcommands.Add(DoctorCommand.Create());
            root.Subcommands.Add(BenchCommand.Create());
            root.Subcommands.Add(TrainCommand.Create());
            root.Subcommands.Add(GenerateCommand.Create());
            root.Subcommands.Add(ViewCommand.Create());
            root.Subcommands.Add(EvaluateCommand.Create());
            root.Subcommands.Add(TokenizeCommand.Create());
            root.Subcommands.Add(ExportCommand.Create());
            root.Subcommands.Add(GuideCommand.Create());
            root.Subcommands.Add(PanelCommand.Create());
            root.Subcommands.Add(UnityMetasCommand.Create());
            ParseResult parse = root.Parse(args);
            if (parse.Errors.Count == 0)
            {
                return InvokeReportingFailures(parse);
            }

            // Bad input: one line per mistake, naming the option, and exit code 2 (README: exit codes).
            foreach (ParseError error in parse.Errors)
            {
                Console.Error.WriteLine("error: " + Describe(error));
            }

            string command = parse.CommandResult.Command == root ? "livediffusion" : "livediffusion " + parse.CommandResult.Command.Name;
            Console.Error.WriteLine($"see `{command} --help` for its options.");
            return 2;
        }

        /// <summary>
        /// Runs the command. Commands report the bad input they expect themselves; anything that still escapes one becomes
        /// one line instead of a stack trace: a model, config or data file that cannot be read is bad input (exit 2), a
        /// cancellation exits 130, anything else is a failure (exit 1) whose trace <c>LIVEDIFFUSION_TRACE=1</c> prints.
        /// </summary>
        private static int InvokeReportingFailures(ParseResult parse)
        {
            try
            {
                return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("cancelled.");
                return 130;
            }
            catch (Exception e) when (e is ModelConfigException || e is SchedulerConfigException || e is InvalidDataException || e is FileNotFoundException || e is DirectoryNotFoundException || e is ArgumentException)
            {
                // ArgumentException: a value given on the command line that the runtime refused (commands pass them through).
                Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                return 2;
            }
            catch (Exception e)
            {
                bool trace = Environment.GetEnvironmentVariable("LIVEDIFFUSION_TRACE") == "1";
                Console.Error.WriteLine($"error: {ErrorText.OneLine(e)} ({e.GetType().Name}{(trace ? string.Empty : "; set LIVEDIFFUSION_TRACE=1 to see where")})");
                if (trace)
                {
                    Console.Error.WriteLine(e);
                }

                return 1;
            }
        }

        /// <summary>A parse error on one line, prefixed with the option it concerns when there is one.</summary>
        private static string Describe(ParseError error)
        {
            string[] lines = error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string message = lines.Length <= 1 ? error.Message.Trim() : lines[0] + " " + string.Join(", ", lines.Skip(1));
            string? option = error.SymbolResult switch
            {
                OptionResult o => o.Option.Name,
                ArgumentResult { Parent: OptionResult o } => o.Option.Name,
                _ => null,
            };
            return option == null || message.Contains(option, StringComparison.Ordinal) ? message : option + ": " + message;
        }
    }
}
