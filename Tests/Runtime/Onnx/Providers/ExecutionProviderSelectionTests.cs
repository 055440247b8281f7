using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>
    /// Runs against the CPU-only ONNX Runtime package this repository builds with by default: every GPU provider
    /// must be skipped with a reason and the CPU selected.
    /// </summary>
    public sealed class ExecutionProviderSelectionTests
    {
        private readonly ITestOutputHelper _output;

        public ExecutionProviderSelectionTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Apply_SelectsCpuAndExplainsCuda_OnTheCpuPackage()
        {
            using var options = new SessionOptions();

            var report = ExecutionProviderSelection.Apply(options, new[] { ExecutionProvider.Cuda, ExecutionProvider.Cpu });

            Assert.Equal(ExecutionProvider.Cpu, report.Selected);
            var cuda = Assert.Single(report.Skipped);
            Assert.Equal(ExecutionProvider.Cuda, cuda.Provider);
            Assert.Contains("not in OrtEnv available providers", cuda.Reason);
            Assert.Contains("CUDAExecutionProvider", cuda.Reason);
            Assert.Contains("Cuda", report.Describe());
        }

        [Fact]
        public void Apply_WithDefaultPreference_SkipsEveryGpuProviderAndSelectsCpu()
        {
            using var options = new SessionOptions();

            var report = ExecutionProviderSelection.Apply(options, ExecutionProviderSelection.DefaultPreference);
            _output.WriteLine(report.Describe());

            Assert.Equal(ExecutionProvider.Cpu, report.Selected);
            Assert.Equal(new[] { ExecutionProvider.Cuda, ExecutionProvider.DirectML, ExecutionProvider.CoreML },
                report.Skipped.Select(s => s.Provider));
            Assert.All(report.Skipped, s => Assert.False(string.IsNullOrWhiteSpace(s.Reason)));
        }

        [Fact]
        public void Apply_WithEmptyPreference_FallsBackToCpu()
        {
            using var options = new SessionOptions();

            var report = ExecutionProviderSelection.Apply(options, Array.Empty<ExecutionProvider>());

            Assert.Equal(ExecutionProvider.Cpu, report.Selected);
            Assert.Empty(report.Skipped);
        }

        [Fact]
        public void Apply_ThrowsForNullArguments()
        {
            using var options = new SessionOptions();
            Assert.Throws<ArgumentNullException>(() => ExecutionProviderSelection.Apply(null!, ExecutionProviderSelection.DefaultPreference));
            Assert.Throws<ArgumentNullException>(() => ExecutionProviderSelection.Apply(options, null!));
        }

        [Theory]
        [InlineData(ExecutionProvider.Cuda)]
        [InlineData(ExecutionProvider.DirectML)]
        [InlineData(ExecutionProvider.CoreML)]
        public void TryAppend_CatchesWhatTheCpuPackageThrows(ExecutionProvider provider)
        {
            // Bypasses the available-providers check to exercise the exception paths (EntryPointNotFoundException
            // for CUDA and DirectML, whatever CoreML throws off Apple platforms).
            using var options = new SessionOptions();

            bool appended = ExecutionProviderSelection.TryAppend(options, provider, out string? reason);
            _output.WriteLine(reason);

            Assert.False(appended);
            Assert.Contains(ExecutionProviderSelection.OrtProviderName(provider), reason);
        }

        [Fact]
        public void SessionOptions_StillCreateACpuSession_AfterFailedAppends()
        {
            using var options = new SessionOptions();
            ExecutionProviderSelection.TryAppend(options, ExecutionProvider.Cuda, out _);
            ExecutionProviderSelection.Apply(options, ExecutionProviderSelection.DefaultPreference);

            // The smallest valid model: y = Identity(x), opset 13, written as ONNX protobuf bytes by hand.
            using var session = new InferenceSession(TinyIdentityModel.Bytes, options);
            Assert.Equal("x", Assert.Single(session.InputMetadata.Keys));
        }
    }
}
