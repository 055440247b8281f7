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
                if (count < 0)
                {
                    Console.Error.WriteLine($"error: --timesteps {count}: use 0 (configs only) or a number of inference steps.");
                    return 2;
                }

                try
                {
                    // Every class and variant, or the one asked for (a variant shows its setting); printed once all succeeded.
                    IEnumerable<string> names = only != null ? new[] { only } : SchedulerRegistry.Names.Concat(SchedulerRegistry.VariantNames);
                    var text = new System.Text.StringBuilder();
                    foreach (string schedulerName in names)
                    {
                        SchedulerConfig config = SchedulerRegistry.DefaultConfig(schedulerName);
                        text.AppendLine("# " + SchedulerRegistry.NameOf(config)).AppendLine(config.ToJson());
                        if (count > 0)
                        {
                            Scheduler scheduler = config.CreateScheduler();
                            scheduler.SetTimesteps(count);
                            text.AppendLine($"timesteps({count}): [{string.Join(", ", scheduler.Timesteps)}]");
                            text.AppendLine($"init_noise_sigma: {scheduler.InitNoiseSigma}");
                        }

                        text.AppendLine();
                    }

                    Console.Write(text.ToString());
                    return 0;
                }
                catch (Exception e) when (e is SchedulerConfigException || e is ArgumentOutOfRangeException)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }
            });
            return command;
        }
    }
}
