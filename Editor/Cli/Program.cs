using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using LiveDiffusion.Cli.Commands;

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
                return parse.Invoke();
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
