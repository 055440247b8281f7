using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="DDPMScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class DDPMSchedulerConfig : SchedulerConfig
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
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading))
        {
            VarianceType = reader.Enum("variance_type", DDPMVarianceType.FixedSmall, VarianceTypes);
            ClipSample = reader.Bool("clip_sample", true);
            ClipSampleRange = reader.Double("clip_sample_range", 1.0);
            Thresholding = reader.Bool("thresholding", false);
            DynamicThresholdingRatio = reader.Double("dynamic_thresholding_ratio", 0.995);
            SampleMaxValue = reader.Double("sample_max_value", 1.0);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "DDPMScheduler";

        /// <summary><c>variance_type</c>: the variance of the reverse step.</summary>
        public DDPMVarianceType VarianceType { get; init; }

        /// <summary><c>clip_sample</c>: clamp the predicted x₀ to ±<see cref="ClipSampleRange"/>.</summary>
        public bool ClipSample { get; init; }

        /// <summary><c>clip_sample_range</c>: the clamp range for <see cref="ClipSample"/>.</summary>
        public double ClipSampleRange { get; init; }

        /// <summary><c>thresholding</c>: dynamic thresholding of x₀ (Imagen); wins over clip_sample.</summary>
        public bool Thresholding { get; init; }

        /// <summary><c>dynamic_thresholding_ratio</c>: the |x₀| quantile used by thresholding.</summary>
        public double DynamicThresholdingRatio { get; init; }

        /// <summary><c>sample_max_value</c>: the upper bound of the thresholding scale.</summary>
        public double SampleMaxValue { get; init; }

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new DDPMScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["variance_type"] = ConfigNames.Name(VarianceTypes, VarianceType);
            values["clip_sample"] = ClipSample;
            values["clip_sample_range"] = ClipSampleRange;
            values["thresholding"] = Thresholding;
            values["dynamic_thresholding_ratio"] = DynamicThresholdingRatio;
            values["sample_max_value"] = SampleMaxValue;
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
