using System.CommandLine;
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
            return root.Parse(args).Invoke();
        }
    }
}
