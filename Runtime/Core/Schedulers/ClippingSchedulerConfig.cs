#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// The keys shared by the ᾱ-parameterised schedulers that post-process their predicted x₀ (DDPM, DDIM, LCM):
    /// clipping, dynamic thresholding and zero-terminal-SNR rescaling.
    /// </summary>
    public abstract class ClippingSchedulerConfig : SchedulerConfig
    {
        private protected ClippingSchedulerConfig(ConfigReader reader, in CommonDefaults defaults, bool clipSampleDefault)
            : base(reader, defaults)
        {
            ClipSample = reader.Bool("clip_sample", clipSampleDefault);
            ClipSampleRange = reader.Double("clip_sample_range", 1.0);
            Thresholding = reader.Bool("thresholding", false);
            DynamicThresholdingRatio = reader.Double("dynamic_thresholding_ratio", 0.995);
            SampleMaxValue = reader.Double("sample_max_value", 1.0);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
        }

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

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["clip_sample"] = ClipSample;
            values["clip_sample_range"] = ClipSampleRange;
            values["thresholding"] = Thresholding;
            values["dynamic_thresholding_ratio"] = DynamicThresholdingRatio;
            values["sample_max_value"] = SampleMaxValue;
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
            WriteOwn(values);
        }

        /// <summary>Adds the keys of the concrete scheduler.</summary>
        private protected abstract void WriteOwn(IDictionary<string, JsonNode?> values);
    }
}
