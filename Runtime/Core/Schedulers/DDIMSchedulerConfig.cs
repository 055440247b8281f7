using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="DDIMScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class DDIMSchedulerConfig : SchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public DDIMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal DDIMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Leading))
        {
            ClipSample = reader.Bool("clip_sample", true);
            ClipSampleRange = reader.Double("clip_sample_range", 1.0);
            SetAlphaToOne = reader.Bool("set_alpha_to_one", true);
            Thresholding = reader.Bool("thresholding", false);
            DynamicThresholdingRatio = reader.Double("dynamic_thresholding_ratio", 0.995);
            SampleMaxValue = reader.Double("sample_max_value", 1.0);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "DDIMScheduler";

        /// <summary><c>clip_sample</c>: clamp the predicted x₀ to ±<see cref="ClipSampleRange"/>.</summary>
        public bool ClipSample { get; init; }

        /// <summary><c>clip_sample_range</c>: the clamp range for <see cref="ClipSample"/>.</summary>
        public double ClipSampleRange { get; init; }

        /// <summary><c>set_alpha_to_one</c>: ᾱ before the first training step is 1 (else ᾱ₀).</summary>
        public bool SetAlphaToOne { get; init; }

        /// <summary><c>thresholding</c>: dynamic thresholding of x₀ (Imagen); wins over clip_sample.</summary>
        public bool Thresholding { get; init; }

        /// <summary><c>dynamic_thresholding_ratio</c>: the |x₀| quantile used by thresholding.</summary>
        public double DynamicThresholdingRatio { get; init; }

        /// <summary><c>sample_max_value</c>: the upper bound of the thresholding scale.</summary>
        public double SampleMaxValue { get; init; }

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new DDIMScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["clip_sample"] = ClipSample;
            values["clip_sample_range"] = ClipSampleRange;
            values["set_alpha_to_one"] = SetAlphaToOne;
            values["thresholding"] = Thresholding;
            values["dynamic_thresholding_ratio"] = DynamicThresholdingRatio;
            values["sample_max_value"] = SampleMaxValue;
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
