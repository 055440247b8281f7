using System;
using System.CommandLine;
using System.IO;
using System.Threading.Tasks;
using LiveDiffusion.Editor.Panel;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion panel</c>: serves the training panel (a local web page) on 127.0.0.1.</summary>
    internal static class PanelCommand
    {
        public static Command Create()
        {
            var runs = new Option<string>("--runs") { Description = "Folder of runs: new runs are created here, and runs of `train --out` here can be watched.", DefaultValueFactory = _ => "runs" };
            var dataRoot = new Option<string>("--data-root") { Description = "Dataset folders must be inside this folder.", DefaultValueFactory = _ => "." };
            var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => 0 };
            var threads = new Option<int>("--threads") { Description = "CPU threads for libtorch in panel runs (0: all cores).", DefaultValueFactory = _ => 0 };
            var command = new Command("panel", "Serve the training panel: set up, watch and steer training runs in a browser (127.0.0.1 only; the URL carries a session token).")
            {
                runs, dataRoot, port, threads,
            };
            command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(runs)!, parse.GetValue(dataRoot)!, parse.GetValue(port), parse.GetValue(threads)));
            return command;
        }

        private static async Task<int> RunAsync(string runs, string dataRoot, int port, int threads)
        {
            if (port < 0 || port > 65535)
            {
                Console.Error.WriteLine($"error: --port {port}: use 0 (any free port) to 65535.");
                return 2;
            }

            if (threads < 0)
            {
                Console.Error.WriteLine($"error: --threads {threads}: use 0 (all cores) or more.");
                return 2;
            }

            if (ErrorText.RefuseFileAsFolder("--runs", runs, " for the runs"))
            {
                return 2;
            }

            if (!Directory.Exists(dataRoot))
            {
                Console.Error.WriteLine($"error: --data-root {Path.GetFullPath(dataRoot)} does not exist; pass the folder that holds your image folders.");
                return 2;
            }

            PanelServer panel;
            try
            {
                panel = await PanelServer.StartAsync(new PanelOptions
                {
                    RunsFolder = Path.GetFullPath(runs),
                    DataRoot = Path.GetFullPath(dataRoot),
                    Port = port,
                    Threads = threads,
                    Log = message => Console.Error.WriteLine(message),
                });
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"error: cannot listen on 127.0.0.1:{port}: {e.Message} Choose another --port (0 picks a free one).");
                return 2;
            }

            await using (panel)
            {
                Console.WriteLine($"LiveDiffusion panel: {panel.PageUrl}");
                Console.WriteLine("Open that URL in a browser on this machine (it carries this session's token). Ctrl+C stops the panel; a run in progress is stopped with a checkpoint.");
                await panel.WaitForShutdownAsync();
                Console.WriteLine("panel: stopping.");
            }

            return 0;
        }
    }
}
