using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace LiveDiffusion.Schedulers
{
    /// <summary>The schedulers LiveDiffusion implements, by their diffusers class names.</summary>
    public static class SchedulerRegistry
    {
        private static readonly Dictionary<string, Func<ConfigReader, SchedulerConfig>> Factories =
            new Dictionary<string, Func<ConfigReader, SchedulerConfig>>(StringComparer.Ordinal)
            {
                ["DDPMScheduler"] = r => new DDPMSchedulerConfig(r),
                ["DDIMScheduler"] = r => new DDIMSchedulerConfig(r),
                ["PNDMScheduler"] = r => new PNDMSchedulerConfig(r),
                ["EulerDiscreteScheduler"] = r => new EulerDiscreteSchedulerConfig(r),
                ["EulerAncestralDiscreteScheduler"] = r => new EulerAncestralDiscreteSchedulerConfig(r),
                ["DPMSolverMultistepScheduler"] = r => new DPMSolverMultistepSchedulerConfig(r),
                ["LCMScheduler"] = r => new LCMSchedulerConfig(r),
            };

        /// <summary>Short names accepted on command lines, mapped to class names.</summary>
        private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ddpm"] = "DDPMScheduler",
            ["ddim"] = "DDIMScheduler",
            ["pndm"] = "PNDMScheduler",
            ["euler"] = "EulerDiscreteScheduler",
            ["euler-a"] = "EulerAncestralDiscreteScheduler",
            ["euler-ancestral"] = "EulerAncestralDiscreteScheduler",
            ["dpm++2m"] = "DPMSolverMultistepScheduler",
            ["dpmpp-2m"] = "DPMSolverMultistepScheduler",
            ["lcm"] = "LCMScheduler",
        };

        /// <summary>The diffusers class names, in a stable order.</summary>
        public static IReadOnlyList<string> Names { get; } = Factories.Keys.ToArray();

        /// <summary>The default configuration of the named scheduler.</summary>
        /// <exception cref="SchedulerConfigException">The name is unknown.</exception>
        public static SchedulerConfig DefaultConfig(string name) => Create(Resolve(name), new JsonObject(), "defaults");

        /// <summary>Maps a class name or short alias (ddim, euler-a, dpm++2m, …) to the class name.</summary>
        /// <exception cref="SchedulerConfigException">The name is unknown; the message lists the known ones.</exception>
        public static string Resolve(string name)
        {
            if (Factories.ContainsKey(name))
            {
                return name;
            }

            if (Aliases.TryGetValue(name, out string? className))
            {
                return className;
            }

            throw new SchedulerConfigException($"Unknown scheduler '{name}'. Known: {string.Join(", ", Names)} (or short names: {string.Join(", ", Aliases.Keys)}).");
        }

        internal static SchedulerConfig Create(string className, JsonObject json, string origin)
        {
            if (!Factories.TryGetValue(className, out Func<ConfigReader, SchedulerConfig>? factory))
            {
                throw new SchedulerConfigException($"{origin}: '_class_name' is \"{className}\", which LiveDiffusion does not implement. Known schedulers: {string.Join(", ", Names)}.");
            }

            return factory(new ConfigReader(json, origin));
        }
    }
}
