using System;
using System.Collections.Generic;
using System.Linq;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>Count, minimum, median, mean and maximum of a list of values.</summary>
    public sealed record ValueSummary(int Count, double Min, double Median, double Mean, double Max)
    {
        /// <summary>Summarises <paramref name="values"/> (NaN everywhere when empty). The median of an even count is the mean of the middle two.</summary>
        public static ValueSummary Of(IReadOnlyCollection<double> values)
        {
            if (values.Count == 0)
            {
                return new ValueSummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
            }

            double[] sorted = values.OrderBy(v => v).ToArray();
            int n = sorted.Length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2;
            return new ValueSummary(n, sorted[0], median, sorted.Average(), sorted[n - 1]);
        }
    }
}
