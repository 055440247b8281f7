using Xunit;
using Xunit.Abstractions;

namespace LiveDiffusion.Torch.Tests
{
    public sealed class TorchProbeTests
    {
        private readonly ITestOutputHelper _output;

        public TorchProbeTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Run_LoadsLibtorchAndMeasuresMatmul()
        {
            var result = TorchProbe.Run();
            _output.WriteLine(result.ToString());

            Assert.True(result.Ok, result.Error);
            Assert.Null(result.Error);
            Assert.StartsWith("TorchSharp ", result.Version);
            Assert.True(result.Threads >= 1, $"threads = {result.Threads}");
            Assert.True(result.MatmulGflops > 0, $"GFLOP/s = {result.MatmulGflops}");
        }
    }
}
