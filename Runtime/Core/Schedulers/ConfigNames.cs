#nullable enable
using System.Collections.Generic;

namespace LiveDiffusion.Schedulers
{
    /// <summary>The JSON spellings diffusers uses for the configuration enums.</summary>
    internal static class ConfigNames
    {
        public static readonly IReadOnlyList<KeyValuePair<string, BetaSchedule>> BetaSchedules = new[]
        {
            Pair("linear", BetaSchedule.Linear),
            Pair("scaled_linear", BetaSchedule.ScaledLinear),
            Pair("squaredcos_cap_v2", BetaSchedule.SquaredCosCapV2),
        };

        public static readonly IReadOnlyList<KeyValuePair<string, PredictionType>> PredictionTypes = new[]
        {
            Pair("epsilon", PredictionType.Epsilon),
            Pair("v_prediction", PredictionType.VPrediction),
            Pair("sample", PredictionType.Sample),
        };

        public static readonly IReadOnlyList<KeyValuePair<string, TimestepSpacing>> TimestepSpacings = new[]
        {
            Pair("leading", TimestepSpacing.Leading),
            Pair("trailing", TimestepSpacing.Trailing),
            Pair("linspace", TimestepSpacing.Linspace),
        };

        public static readonly IReadOnlyList<KeyValuePair<string, FinalSigmasType>> FinalSigmasTypes = new[]
        {
            Pair("zero", FinalSigmasType.Zero),
            Pair("sigma_min", FinalSigmasType.SigmaMin),
        };

        public static string Name<T>(IReadOnlyList<KeyValuePair<string, T>> table, T value)
        {
            foreach (KeyValuePair<string, T> pair in table)
            {
                if (EqualityComparer<T>.Default.Equals(pair.Value, value))
                {
                    return pair.Key;
                }
            }

            throw new KeyNotFoundException(value + " has no configuration name.");
        }

        public static KeyValuePair<string, T> Pair<T>(string name, T value) => new KeyValuePair<string, T>(name, value);
    }
}
