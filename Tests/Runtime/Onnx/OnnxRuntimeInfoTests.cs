using System;
using Xunit;

namespace LiveDiffusion.Onnx.Tests
{
    public sealed class OnnxRuntimeInfoTests
    {
        [Fact]
        public void AvailableProviders_ContainsCpu()
        {
            Assert.Contains("CPUExecutionProvider", OnnxRuntimeInfo.AvailableProviders);
        }

        [Fact]
        public void Version_IsTheReferencedPackageVersion()
        {
            // The default build references Microsoft.ML.OnnxRuntime 1.31.x (Directory.Packages.props).
            Assert.StartsWith("1.31", OnnxRuntimeInfo.Version, StringComparison.Ordinal);
        }
    }
}
