using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Tests
{
    /// <summary>
    /// Proves that libtorch loads from the build output (the GLIBCXX build step did its job) by running real ops.
    /// </summary>
    public sealed class TorchNativeLoadTests
    {
        [Fact]
        public void MatmulRunsOnTheCpu()
        {
            using var a = TensorArithmetic.Range(6).reshape(2, 3);
            using var b = torch.ones(3, 2, dtype: ScalarType.Float32);
            using var c = a.matmul(b);
            // rows of a: [0,1,2] and [3,4,5]; times ones => row sums 3 and 12 in both columns.
            Assert.Equal(new long[] { 2, 2 }, c.shape);
            Assert.Equal(3f, c[0, 0].item<float>());
            Assert.Equal(12f, c[1, 1].item<float>());
        }
    }
}
