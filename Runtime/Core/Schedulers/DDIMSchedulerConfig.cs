#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="DDIMScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class DDIMSchedulerConfig : ClippingSchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public DDIMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal DDIMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading), clipSampleDefault: true)
        {
            SetAlphaToOne = reader.Bool("set_alpha_to_one", true);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "DDIMScheduler";

        /// <summary><c>set_alpha_to_one</c>: ᾱ before the first training step is 1 (else ᾱ₀).</summary>
        public bool SetAlphaToOne { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new DDIMScheduler(this);

        private protected override void WriteOwn(IDictionary<string, JsonNode?> values)
        {
            values["set_alpha_to_one"] = SetAlphaToOne;
        }
    }
}
