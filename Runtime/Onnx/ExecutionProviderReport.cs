#nullable enable
using System;
using System.Collections.Generic;
using System.Text;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// The outcome of <see cref="ExecutionProviderSelection.Apply"/>: the provider a session will run on and the
    /// preferred providers that were passed over, each with its reason.
    /// </summary>
    public sealed class ExecutionProviderReport
    {
        /// <summary>Creates a report.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="skipped"/> is null.</exception>
        public ExecutionProviderReport(ExecutionProvider selected, IReadOnlyList<SkippedProvider> skipped)
        {
            Selected = selected;
            Skipped = skipped ?? throw new ArgumentNullException(nameof(skipped));
        }

        /// <summary>The provider that was appended to the session options (<see cref="ExecutionProvider.Cpu"/> when none was).</summary>
        public ExecutionProvider Selected { get; }

        /// <summary>Providers tried before <see cref="Selected"/>, in preference order, with the reason each was not used.</summary>
        public IReadOnlyList<SkippedProvider> Skipped { get; }

        /// <summary>
        /// One line per fact, for logs and <c>livediffusion doctor</c>, e.g.
        /// <c>"selected Cpu; skipped Cuda: not in OrtEnv available providers [CPUExecutionProvider] ..."</c>.
        /// </summary>
        public string Describe()
        {
            var text = new StringBuilder();
            text.Append("selected ").Append(Selected);
            foreach (var skipped in Skipped)
            {
                text.AppendLine().Append("skipped ").Append(skipped.Provider).Append(": ").Append(skipped.Reason);
            }
            return text.ToString();
        }

        /// <inheritdoc />
        public override string ToString() => Describe();
    }
}
