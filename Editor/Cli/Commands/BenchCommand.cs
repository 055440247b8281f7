using System;
using System.CommandLine;
using LiveDiffusion.Cli.Benchmarks;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion bench</c>: benchmarks that report ratios measured within one run.</summary>
    internal static class BenchCommand
    {
        public static Command Create()
        {
            var command = new Command("bench", "Benchmarks (figures are ratios measured in one run on this machine).");
            command.Subcommands.Add(CreateSchedulers());
            return command;
        }

        private static Command CreateSchedulers()
        {
            var channels = new Option<int>("--channels") { Description = "Latent channels.", DefaultValueFactory = _ => 4 };
            var size = new Option<int>("--size") { Description = "Latent height and width.", DefaultValueFactory = _ => 64 };
            var steps = new Option<int>("--steps") { Description = "Inference steps per generation.", DefaultValueFactory = _ => 20 };
            var repeats = new Option<int>("--repeats") { Description = "Timed generations per scheduler (the median is reported).", DefaultValueFactory = _ => 25 };
            var command = new Command("schedulers", "Time of one Step on a 1xCxHxW latent per scheduler, as a ratio to one fused TensorPrimitives pass over the same buffer, and bytes allocated per step after warm-up.")
            {
                channels,
                size,
                steps,
                repeats,
            };
            command.SetAction(parse =>
            {
                int c = parse.GetValue(channels), s = parse.GetValue(size), n = parse.GetValue(steps), r = parse.GetValue(repeats);
                if (c < 1 || s < 1 || n < 2 || r < 1)
                {
                    Console.Error.WriteLine("error: --channels, --size and --repeats must be >= 1 and --steps >= 2.");
                    return 2;
                }

                var (baseline, rows) = SchedulerBenchmark.Run(c, s, n, r);
                Console.WriteLine($"latent 1x{c}x{s}x{s} ({c * s * s * 4 / 1024} KiB), {n} steps, median of {r} generations");
                Console.WriteLine($"baseline: one fused TensorPrimitives.MultiplyAdd pass = {baseline:F2} us");
                Console.WriteLine();
                Console.WriteLine($"| {"scheduler",-32} | {"us/step",8} | {"x fused pass",12} | {"bytes/step",10} |");
                Console.WriteLine($"|{new string('-', 34)}|{new string('-', 10)}|{new string('-', 14)}|{new string('-', 12)}|");
                bool allocationFree = true;
                foreach (SchedulerBenchmark.Row row in rows)
                {
                    Console.WriteLine($"| {row.Scheduler,-32} | {row.MicrosPerStep,8:F2} | {row.RatioToFusedPass,12:F2} | {row.BytesPerStep,10:F0} |");
                    allocationFree &= row.BytesPerStep == 0;
                }

                Console.WriteLine();
                Console.WriteLine(allocationFree ? "allocation after warm-up: 0 bytes per step for every scheduler" : "allocation after warm-up: NOT zero (see bytes/step)");
                return allocationFree ? 0 : 1;
            });
            return command;
        }
    }
}
