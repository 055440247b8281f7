using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="LCMScheduler"/>, with diffusers' keys and defaults (SD's scaled-linear β).</summary>
    public sealed class LCMSchedulerConfig : SchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public LCMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal LCMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear, TimestepSpacing.Leading))
        {
            OriginalInferenceSteps = reader.Int("original_inference_steps", 50);
            ClipSample = reader.Bool("clip_sample", false);
            ClipSampleRange = reader.Double("clip_sample_range", 1.0);
            SetAlphaToOne = reader.Bool("set_alpha_to_one", true);
            Thresholding = reader.Bool("thresholding", false);
            DynamicThresholdingRatio = reader.Double("dynamic_thresholding_ratio", 0.995);
            SampleMaxValue = reader.Double("sample_max_value", 1.0);
            TimestepScaling = reader.Double("timestep_scaling", 10.0);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "LCMScheduler";

        /// <summary><c>original_inference_steps</c>: the length of the distillation schedule the inference steps are drawn from.</summary>
        public int OriginalInferenceSteps { get; init; }

        /// <summary><c>clip_sample</c>: clamp the predicted x₀ to ±<see cref="ClipSampleRange"/>.</summary>
        public bool ClipSample { get; init; }

        /// <summary><c>clip_sample_range</c>: the clamp range for <see cref="ClipSample"/>.</summary>
        public double ClipSampleRange { get; init; }

        /// <summary><c>set_alpha_to_one</c>: ᾱ before the first training step is 1 (else ᾱ₀).</summary>
        public bool SetAlphaToOne { get; init; }

        /// <summary><c>thresholding</c>: dynamic thresholding of x₀ (Imagen).</summary>
        public bool Thresholding { get; init; }

        /// <summary><c>dynamic_thresholding_ratio</c>: the |x₀| quantile used by thresholding.</summary>
        public double DynamicThresholdingRatio { get; init; }

        /// <summary><c>sample_max_value</c>: the upper bound of the thresholding scale.</summary>
        public double SampleMaxValue { get; init; }

        /// <summary><c>timestep_scaling</c>: the factor on t in the consistency boundary condition.</summary>
        public double TimestepScaling { get; init; }

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new LCMScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["original_inference_steps"] = OriginalInferenceSteps;
            values["clip_sample"] = ClipSample;
            values["clip_sample_range"] = ClipSampleRange;
            values["set_alpha_to_one"] = SetAlphaToOne;
            values["thresholding"] = Thresholding;
            values["dynamic_thresholding_ratio"] = DynamicThresholdingRatio;
            values["sample_max_value"] = SampleMaxValue;
            values["timestep_scaling"] = TimestepScaling;
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
