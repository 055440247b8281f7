using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion schedulers</c>: the schedulers with their default scheduler_config.json.</summary>
    internal static class SchedulersCommand
    {
        public static Command Create()
        {
            var name = new Option<string?>("--name", "-n")
            {
                Description = "Show one scheduler (class name or short name: ddpm, ddim, pndm, euler, euler-a, dpm++2m, dpm++2m-sde, lcm).",
            };
            var steps = new Option<int>("--timesteps")
            {
                Description = "Also print the timesteps for this many inference steps.",
                DefaultValueFactory = _ => 0,
            };
            var command = new Command("schedulers", "List the schedulers and their default configuration (diffusers' scheduler_config.json).")
            {
                name,
                steps,
            };
            command.SetAction(parse =>
            {
                string? only = parse.GetValue(name);
                int count = parse.GetValue(steps);
                try
                {
                    // Every class and variant, or the one asked for (a variant shows its setting).
                    IEnumerable<string> names = only != null ? new[] { only } : SchedulerRegistry.Names.Concat(SchedulerRegistry.VariantNames);
                    foreach (string schedulerName in names)
                    {
                        SchedulerConfig config = SchedulerRegistry.DefaultConfig(schedulerName);
                        Console.WriteLine("# " + SchedulerRegistry.NameOf(config));
                        Console.WriteLine(config.ToJson());
                        if (count > 0)
                        {
                            Scheduler scheduler = config.CreateScheduler();
                            scheduler.SetTimesteps(count);
                            Console.WriteLine($"timesteps({count}): [{string.Join(", ", scheduler.Timesteps)}]");
                            Console.WriteLine($"init_noise_sigma: {scheduler.InitNoiseSigma}");
                        }

                        Console.WriteLine();
                    }

                    return 0;
                }
                catch (Exception e) when (e is SchedulerConfigException || e is ArgumentOutOfRangeException)
                {
                    Console.Error.WriteLine("error: " + e.Message);
                    return 2;
                }
            });
            return command;
        }
    }
}
