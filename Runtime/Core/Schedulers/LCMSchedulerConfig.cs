#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="LCMScheduler"/>, with diffusers' keys and defaults (SD's scaled-linear β).</summary>
    public sealed class LCMSchedulerConfig : ClippingSchedulerConfig
    {
        /// <summary>Creates the default configuration.</summary>
        public LCMSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal LCMSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.00085, 0.012, BetaSchedule.ScaledLinear, TimestepSpacing.Leading), clipSampleDefault: false)
        {
            OriginalInferenceSteps = reader.Int("original_inference_steps", 50);
            SetAlphaToOne = reader.Bool("set_alpha_to_one", true);
            TimestepScaling = reader.Double("timestep_scaling", 10.0);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "LCMScheduler";

        /// <summary><c>original_inference_steps</c>: the length of the distillation schedule the inference steps are drawn from.</summary>
        public int OriginalInferenceSteps { get; init; }

        /// <summary><c>set_alpha_to_one</c>: ᾱ before the first training step is 1 (else ᾱ₀).</summary>
        public bool SetAlphaToOne { get; init; }

        /// <summary><c>timestep_scaling</c>: the factor on t in the consistency boundary condition.</summary>
        public double TimestepScaling { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new LCMScheduler(this);

        private protected override void WriteOwn(IDictionary<string, JsonNode?> values)
        {
            values["original_inference_steps"] = OriginalInferenceSteps;
            values["set_alpha_to_one"] = SetAlphaToOne;
            values["timestep_scaling"] = TimestepScaling;
        }
    }
}
