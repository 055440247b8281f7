#nullable enable
namespace LiveDiffusion.Onnx
{
    /// <summary>An execution provider that <see cref="ExecutionProviderSelection.Apply"/> tried and did not use, and why.</summary>
    public sealed class SkippedProvider
    {
        /// <summary>Creates a record of a skipped provider.</summary>
        /// <exception cref="System.ArgumentNullException"><paramref name="reason"/> is null.</exception>
        public SkippedProvider(ExecutionProvider provider, string reason)
        {
            Provider = provider;
            Reason = reason ?? throw new System.ArgumentNullException(nameof(reason));
        }

        /// <summary>The provider that was skipped.</summary>
        public ExecutionProvider Provider { get; }

        /// <summary>Why it was skipped, in words a user can act on.</summary>
        public string Reason { get; }

        /// <inheritdoc />
        public override string ToString() => Provider + ": " + Reason;
    }
}
