#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="EulerDiscreteScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class EulerDiscreteSchedulerConfig : SchedulerConfig
    {
        internal static readonly IReadOnlyList<KeyValuePair<string, EulerInterpolationType>> InterpolationTypes = new[]
        {
            ConfigNames.Pair("linear", EulerInterpolationType.Linear),
            ConfigNames.Pair("log_linear", EulerInterpolationType.LogLinear),
        };

        private static readonly IReadOnlyList<KeyValuePair<string, string>> TimestepTypes = new[]
        {
            ConfigNames.Pair("discrete", "discrete"),
        };

        /// <summary>Creates the default configuration.</summary>
        public EulerDiscreteSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal EulerDiscreteSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Linspace))
        {
            InterpolationType = reader.Enum("interpolation_type", EulerInterpolationType.Linear, InterpolationTypes);
            UseKarrasSigmas = reader.Bool("use_karras_sigmas", false);
            SigmaMin = reader.NullableDouble("sigma_min");
            SigmaMax = reader.NullableDouble("sigma_max");
            FinalSigmasType = reader.Enum("final_sigmas_type", FinalSigmasType.Zero, ConfigNames.FinalSigmasTypes);
            reader.Enum("timestep_type", "discrete", TimestepTypes);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "EulerDiscreteScheduler";

        /// <summary><c>interpolation_type</c>: how σ is interpolated between training timesteps.</summary>
        public EulerInterpolationType InterpolationType { get; init; }

        /// <summary><c>use_karras_sigmas</c>: space σ as Karras et al. 2022 (ρ = 7).</summary>
        public bool UseKarrasSigmas { get; init; }

        /// <summary><c>sigma_min</c>: overrides the smallest σ of the Karras schedule, or null.</summary>
        public double? SigmaMin { get; init; }

        /// <summary><c>sigma_max</c>: overrides the largest σ of the Karras schedule, or null.</summary>
        public double? SigmaMax { get; init; }

        /// <summary><c>final_sigmas_type</c>: the σ after the last step.</summary>
        public FinalSigmasType FinalSigmasType { get; init; }

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new EulerDiscreteScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["interpolation_type"] = ConfigNames.Name(InterpolationTypes, InterpolationType);
            values["use_karras_sigmas"] = UseKarrasSigmas;
            values["sigma_min"] = SigmaMin;
            values["sigma_max"] = SigmaMax;
            values["final_sigmas_type"] = ConfigNames.Name(ConfigNames.FinalSigmasTypes, FinalSigmasType);
            values["timestep_type"] = "discrete";
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
