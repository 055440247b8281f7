#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

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
            ["lcm"] = "LCMScheduler",
        };

        /// <summary>
        /// Short names for a scheduler class with one setting fixed, whatever the model's configuration says: the ODE
        /// and the SDE form of DPM-Solver++ (so <c>dpm++2m</c> runs the ODE even for a model saved with the SDE). The
        /// first name of each is the one recipes record.
        /// </summary>
        private static readonly Dictionary<string, Variant> Variants = new Dictionary<string, Variant>(StringComparer.OrdinalIgnoreCase)
        {
            ["dpm++2m"] = new Variant("dpm++2m", "DPMSolverMultistepScheduler", "algorithm_type", "dpmsolver++"),
            ["dpmpp-2m"] = new Variant("dpm++2m", "DPMSolverMultistepScheduler", "algorithm_type", "dpmsolver++"),
            ["dpm++2m-sde"] = new Variant("dpm++2m-sde", "DPMSolverMultistepScheduler", "algorithm_type", "sde-dpmsolver++"),
            ["dpmpp-2m-sde"] = new Variant("dpm++2m-sde", "DPMSolverMultistepScheduler", "algorithm_type", "sde-dpmsolver++"),
        };

        /// <summary>The diffusers class names, in a stable order.</summary>
        public static IReadOnlyList<string> Names { get; } = Factories.Keys.ToArray();

        /// <summary>The short names of the variants (a class with one setting fixed, e.g. <c>dpm++2m-sde</c>).</summary>
        public static IReadOnlyList<string> VariantNames { get; } = Variants.Values.Select(v => v.Name).Distinct().ToArray();

        /// <summary>The default configuration of the named scheduler (a variant's with its setting).</summary>
        /// <exception cref="SchedulerConfigException">The name is unknown.</exception>
        public static SchedulerConfig DefaultConfig(string name) => Configure(Create(Resolve(name), new JsonObject(), "defaults"), name);

        /// <summary>Maps a class name or short alias (ddim, euler-a, dpm++2m, dpm++2m-sde, …) to the class name.</summary>
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

            if (Variants.TryGetValue(name, out Variant? variant))
            {
                return variant.ClassName;
            }

            throw new SchedulerConfigException($"Unknown scheduler '{name}'. Known: {string.Join(", ", Names)} (or short names: {string.Join(", ", Aliases.Keys.Concat(Variants.Keys))}).");
        }

        /// <summary>
        /// The name a recipe records for <paramref name="config"/>: the short name of the variant it is (e.g.
        /// <c>dpm++2m</c> or <c>dpm++2m-sde</c>, where the class alone would not say which form ran), else its class
        /// name. <see cref="Resolve"/> and <see cref="Configure"/> take it back.
        /// </summary>
        public static string NameOf(SchedulerConfig config)
        {
            JsonObject json = config.ToJsonObject();
            foreach (Variant variant in Variants.Values)
            {
                if (variant.ClassName == config.ClassName && (string?)json[variant.Key] == variant.Value)
                {
                    return variant.Name;
                }
            }

            return config.ClassName;
        }

        /// <summary>
        /// A model's scheduler configuration as a configuration of the scheduler <paramref name="name"/> (class name or
        /// short name), the way diffusers' <c>from_config</c> swaps schedulers; a variant also sets its one key (a class
        /// name carries the model's value of it over, as from_config does).
        /// </summary>
        /// <exception cref="SchedulerConfigException">The name is unknown, or a carried-over value is invalid for it.</exception>
        public static SchedulerConfig Configure(SchedulerConfig modelConfig, string name)
        {
            SchedulerConfig converted = modelConfig.ConvertTo(Resolve(name));
            if (!Variants.TryGetValue(name, out Variant? variant))
            {
                return converted;
            }

            JsonObject json = converted.ToJsonObject();
            json[variant.Key] = variant.Value;
            return Create(variant.ClassName, json, $"{converted.ClassName} configuration as '{variant.Name}'");
        }

        internal static SchedulerConfig Create(string className, JsonObject json, string origin)
        {
            if (!Factories.TryGetValue(className, out Func<ConfigReader, SchedulerConfig>? factory))
            {
                throw new SchedulerConfigException($"{origin}: '_class_name' is \"{className}\", which LiveDiffusion does not implement. Known schedulers: {string.Join(", ", Names)}.");
            }

            return factory(new ConfigReader(json, origin, message => new SchedulerConfigException(message)));
        }

        private sealed record Variant(string Name, string ClassName, string Key, string Value);
    }
}
