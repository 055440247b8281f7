#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="EulerAncestralDiscreteScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class EulerAncestralDiscreteSchedulerConfig : SchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public EulerAncestralDiscreteSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal EulerAncestralDiscreteSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Linspace))
        {
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "EulerAncestralDiscreteScheduler";

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new EulerAncestralDiscreteScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
