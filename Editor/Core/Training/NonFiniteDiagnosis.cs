using System.Collections.Generic;
using System.Globalization;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// What <see cref="TrainingStep.Diagnose"/> found about a step whose loss was not finite.
    /// </summary>
    /// <param name="NonFiniteParameters">Names of the parameters holding a NaN or infinity (empty: the weights are finite).</param>
    /// <param name="Recomputed">The same step's loss computed again, as the run computes it.</param>
    /// <param name="Threads">libtorch's thread count for the run.</param>
    /// <param name="OnOneThread">The same step's loss computed on one libtorch thread.</param>
    internal sealed record NonFiniteDiagnosis(IReadOnlyList<string> NonFiniteParameters, double Recomputed, int Threads, double OnOneThread)
    {
        /// <summary>
        /// The weights are finite and one thread computes a finite loss, while the run's own computation on several
        /// threads did not: libtorch's multi-threaded path misbehaves on this machine, and one thread avoids it.
        /// </summary>
        public bool OneThreadAvoidsIt => NonFiniteParameters.Count == 0 && Threads > 1 && double.IsFinite(OnOneThread);

        /// <summary>One line for the run's messages.</summary>
        public override string ToString()
        {
            string weights = NonFiniteParameters.Count == 0 ? "the weights are finite" : $"{NonFiniteParameters.Count} parameter tensor(s) are not finite (first: {NonFiniteParameters[0]})";
            string again = double.IsFinite(Recomputed) ? $"recomputed, the same step's loss is {Format(Recomputed)} (the non-finite value did not repeat)" : "recomputed, it is non-finite again";
            string single = Threads > 1 ? $"; on 1 libtorch thread instead of {Threads}: {Format(OnOneThread)}" : string.Empty;
            return weights + "; " + again + single;
        }

        private static string Format(double value) => double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : "non-finite";
    }
}
