#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="DDPMScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class DDPMSchedulerConfig : ClippingSchedulerConfig
    {
        internal static readonly IReadOnlyList<KeyValuePair<string, DDPMVarianceType>> VarianceTypes = new[]
        {
            ConfigNames.Pair("fixed_small", DDPMVarianceType.FixedSmall),
            ConfigNames.Pair("fixed_small_log", DDPMVarianceType.FixedSmallLog),
            ConfigNames.Pair("fixed_large", DDPMVarianceType.FixedLarge),
            ConfigNames.Pair("fixed_large_log", DDPMVarianceType.FixedLargeLog),
        };

        /// <summary>Creates the default configuration (linear β 1e-4 → 0.02 over 1000 steps, as in Ho et al. 2020).</summary>
        public DDPMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal DDPMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading), clipSampleDefault: true)
        {
            VarianceType = reader.Enum("variance_type", DDPMVarianceType.FixedSmall, VarianceTypes);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "DDPMScheduler";

        /// <summary><c>variance_type</c>: the variance of the reverse step.</summary>
        public DDPMVarianceType VarianceType { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new DDPMScheduler(this);

        private protected override void WriteOwn(IDictionary<string, JsonNode?> values)
        {
            values["variance_type"] = ConfigNames.Name(VarianceTypes, VarianceType);
        }
    }
}
