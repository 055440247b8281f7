#nullable enable
using System.Collections.Generic;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Schedulers
{
    /// <summary>Configuration of <see cref="DPMSolverMultistepScheduler"/>, with diffusers' keys and defaults.</summary>
    public sealed class DPMSolverMultistepSchedulerConfig : SchedulerConfig
    {
        internal static readonly IReadOnlyList<KeyValuePair<string, DPMSolverSolverType>> SolverTypes = new[]
        {
            ConfigNames.Pair("midpoint", DPMSolverSolverType.Midpoint),
            ConfigNames.Pair("heun", DPMSolverSolverType.Heun),
        };

        internal static readonly IReadOnlyList<KeyValuePair<string, DPMSolverAlgorithmType>> AlgorithmTypes = new[]
        {
            ConfigNames.Pair("dpmsolver++", DPMSolverAlgorithmType.DpmSolverPlusPlus),
            ConfigNames.Pair("sde-dpmsolver++", DPMSolverAlgorithmType.SdeDpmSolverPlusPlus),
        };

        /// <summary>Creates the default configuration (DPM++ 2M).</summary>
        public DPMSolverMultistepSchedulerConfig()
            : this(ConfigReader.Empty)
        {
        }

        internal DPMSolverMultistepSchedulerConfig(ConfigReader reader)
            : base(reader, new CommonDefaults(1000, 0.0001, 0.02, BetaSchedule.Linear, TimestepSpacing.Linspace))
        {
            reader.RejectIfTrue(ClassName, "use_lu_lambdas", "remove it or use use_karras_sigmas");
            reader.RejectIfTrue(ClassName, "use_exponential_sigmas", "remove it or use use_karras_sigmas");
            reader.RejectIfTrue(ClassName, "use_beta_sigmas", "remove it or use use_karras_sigmas");
            reader.RejectIfTrue(ClassName, "use_flow_sigmas", "flow-matching models are not supported");
            SolverOrder = reader.Int("solver_order", 2);
            AlgorithmType = reader.Enum("algorithm_type", DPMSolverAlgorithmType.DpmSolverPlusPlus, AlgorithmTypes);
            SolverType = reader.Enum("solver_type", DPMSolverSolverType.Midpoint, SolverTypes);
            LowerOrderFinal = reader.Bool("lower_order_final", true);
            EulerAtFinal = reader.Bool("euler_at_final", false);
            UseKarrasSigmas = reader.Bool("use_karras_sigmas", false);
            SigmaMin = reader.NullableDouble("sigma_min");
            SigmaMax = reader.NullableDouble("sigma_max");
            if (SigmaMin <= 0 || SigmaMax <= 0 || SigmaMin >= SigmaMax)
            {
                throw new SchedulerConfigException(
                    $"{reader.Origin}: sigma_min = {SigmaMin?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "null"} and sigma_max = {SigmaMax?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "null"}: "
                    + "each must be above 0, and sigma_min below sigma_max (or null for the training schedule's own).");
            }

            FinalSigmasType = reader.Enum("final_sigmas_type", FinalSigmasType.Zero, ConfigNames.FinalSigmasTypes);
            LambdaMinClipped = reader.Double("lambda_min_clipped", double.NegativeInfinity);
            Thresholding = reader.Bool("thresholding", false);
            DynamicThresholdingRatio = reader.Double("dynamic_thresholding_ratio", 0.995);
            SampleMaxValue = reader.Double("sample_max_value", 1.0);
            RescaleBetasZeroSnr = reader.Bool("rescale_betas_zero_snr", false);
            FinishReading();
        }

        /// <inheritdoc />
        public override string ClassName => "DPMSolverMultistepScheduler";

        /// <summary><c>solver_order</c>: 1 or 2 (2 = DPM++ 2M, the usual choice for guided sampling).</summary>
        public int SolverOrder { get; init; }

        /// <summary><c>algorithm_type</c>: the ODE solver (<c>dpmsolver++</c>) or the SDE solver (<c>sde-dpmsolver++</c>, draws fresh noise every step).</summary>
        public DPMSolverAlgorithmType AlgorithmType { get; init; }

        /// <summary><c>solver_type</c>: the second-order update.</summary>
        public DPMSolverSolverType SolverType { get; init; }

        /// <summary><c>lower_order_final</c>: first-order final steps when fewer than 15 steps run (stabilises few-step sampling).</summary>
        public bool LowerOrderFinal { get; init; }

        /// <summary><c>euler_at_final</c>: a first-order (Euler) last step.</summary>
        public bool EulerAtFinal { get; init; }

        /// <summary><c>use_karras_sigmas</c>: space σ as Karras et al. 2022 (ρ = 7): "DPM++ 2M Karras".</summary>
        public bool UseKarrasSigmas { get; init; }

        /// <summary>
        /// <c>sigma_min</c>: overrides the smallest σ of the Karras schedule, or null (the training schedule's). As
        /// diffusers' EulerDiscreteScheduler reads it; diffusers' DPMSolverMultistepScheduler has no such key.
        /// </summary>
        public double? SigmaMin { get; init; }

        /// <summary>
        /// <c>sigma_max</c>: overrides the largest σ of the Karras schedule, or null (the training schedule's). On a
        /// cosine (<c>squaredcos_cap_v2</c>) schedule the largest training σ is about 20,000, and ρ = 7 spacing from
        /// there puts most steps at timesteps 990–999; EDM's 80 spends them where the image forms. As diffusers'
        /// EulerDiscreteScheduler reads it; diffusers' DPMSolverMultistepScheduler has no such key.
        /// </summary>
        public double? SigmaMax { get; init; }

        /// <summary><c>final_sigmas_type</c>: the σ after the last step.</summary>
        public FinalSigmasType FinalSigmasType { get; init; }

        /// <summary><c>lambda_min_clipped</c>: the smallest log-SNR λ the schedule may reach (−∞ = no clipping).</summary>
        public double LambdaMinClipped { get; init; }

        /// <summary><c>thresholding</c>: dynamic thresholding of x₀ (Imagen).</summary>
        public bool Thresholding { get; init; }

        /// <summary><c>dynamic_thresholding_ratio</c>: the |x₀| quantile used by thresholding.</summary>
        public double DynamicThresholdingRatio { get; init; }

        /// <summary><c>sample_max_value</c>: the upper bound of the thresholding scale.</summary>
        public double SampleMaxValue { get; init; }

        /// <summary><c>rescale_betas_zero_snr</c>: rescale β to zero terminal SNR (Lin et al. 2023).</summary>
        public bool RescaleBetasZeroSnr { get; init; }

        /// <inheritdoc />
        public override Scheduler CreateScheduler() => new DPMSolverMultistepScheduler(this);

        private protected override void WriteSpecific(IDictionary<string, JsonNode?> values)
        {
            values["solver_order"] = SolverOrder;
            values["algorithm_type"] = ConfigNames.Name(AlgorithmTypes, AlgorithmType);
            values["solver_type"] = ConfigNames.Name(SolverTypes, SolverType);
            values["lower_order_final"] = LowerOrderFinal;
            values["euler_at_final"] = EulerAtFinal;
            values["use_karras_sigmas"] = UseKarrasSigmas;
            if (SigmaMin.HasValue)
            {
                values["sigma_min"] = SigmaMin.Value;
            }

            if (SigmaMax.HasValue)
            {
                values["sigma_max"] = SigmaMax.Value;
            }
            values["final_sigmas_type"] = ConfigNames.Name(ConfigNames.FinalSigmasTypes, FinalSigmasType);
            values["lambda_min_clipped"] = LambdaMinClipped;
            values["thresholding"] = Thresholding;
            values["dynamic_thresholding_ratio"] = DynamicThresholdingRatio;
            values["sample_max_value"] = SampleMaxValue;
            values["rescale_betas_zero_snr"] = RescaleBetasZeroSnr;
        }
    }
}
