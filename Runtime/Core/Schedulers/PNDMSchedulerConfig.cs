#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="PNDMScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class PNDMSchedulerConfig : SchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public PNDMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal PNDMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading))
        {
            SkipPrkSteps = reader.Bool("skip_prk_steps", false);
            SetAlphaToOne = reader.Bool("set_alpha_to_one", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "PNDMScheduler";

        /// <summary><c>skip_prk_steps</c>: start with linear multistep right away instead of three Runge–Kutta warm-up steps (SD 1.x sets true).</summary>
        public bool SkipPrkSteps { get; init; }

        /// <summary><c>set_alpha_to_one</c>: ᾱ before the first training step is 1 (else ᾱ₀).</summary>
        public bool SetAlphaToOne { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new PNDMScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["skip_prk_steps"] = SkipPrkSteps;
            values["set_alpha_to_one"] = SetAlphaToOne;
        }
    }
}
