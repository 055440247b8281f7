using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Tests
{
    /// <summary>Process-wide libtorch settings: run alone, since switching NNPACK on for a moment would reach any test running beside it.</summary>
    [CollectionDefinition(nameof(LibTorchSettingsTests), DisableParallelization = true)]
    [Collection(nameof(LibTorchSettingsTests))]
    public sealed class LibTorchSettingsTests
    {
        [Fact]
        public void BuildingANetworkTurnsNnpackOffAndTheSwitchReallyReachesLibtorch()
        {
            using (new UNet2D(new UNet2DConfig
            {
                SampleSize = 8,
                BlockOutChannels = new[] { 8, 8 },
                DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" },
                UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" },
                LayersPerBlock = 1,
                NormNumGroups = 4,
            }))
            {
                Assert.False(LibTorchSettings.NnpackEnabled);
            }

            // The reading is libtorch's own: turning it on shows as on, then off again as the package leaves it.
            try
            {
                Assert.True(LibTorchSettings.TrySetNnpack(true));
                Assert.True(LibTorchSettings.NnpackEnabled);
            }
            finally
            {
                Assert.True(LibTorchSettings.TrySetNnpack(false));
            }

            Assert.False(LibTorchSettings.NnpackEnabled);
            Assert.True(LibTorchSettings.Apply());
        }

        [Fact]
        public void TheOneDnnSwitchReachesLibtorchAndIsOnUnlessTheEnvironmentSaysOtherwise()
        {
            LibTorchSettings.Apply();
            bool forwardRight = LibTorchSettings.OneDnnCheck?.ForwardCorrect ?? true;
            Assert.Equal(System.Environment.GetEnvironmentVariable(LibTorchSettings.OneDnnVariable) != "0" && forwardRight, LibTorchSettings.OneDnnEnabled);
            bool before = LibTorchSettings.OneDnnEnabled!.Value;
            try
            {
                Assert.True(LibTorchSettings.TrySetOneDnn(!before));
                Assert.Equal(!before, LibTorchSettings.OneDnnEnabled);
            }
            finally
            {
                Assert.True(LibTorchSettings.TrySetOneDnn(before));
            }
        }
    
        [Fact]
        public void TheTrainingScopeHoldsOneDnnOffExactlyWhereTheCheckFoundItsGradientsWrongAndNests()
        {
            LibTorchSettings.Apply();
            bool? before = LibTorchSettings.OneDnnEnabled;
            OneDnnConvolutionCheck? check = LibTorchSettings.OneDnnCheck;
            bool heldOff = check is { ForwardCorrect: true, BackwardCorrect: false };
            Assert.Equal(heldOff, LibTorchSettings.TrainingNote != null);
            using (LibTorchSettings.ForTraining())
            {
                Assert.Equal(heldOff ? false : before, LibTorchSettings.OneDnnEnabled);
                using (LibTorchSettings.ForTraining())
                {
                    Assert.Equal(heldOff ? false : before, LibTorchSettings.OneDnnEnabled);
                }

                // The inner scope's end does not give oneDNN back while the outer one lives.
                Assert.Equal(heldOff ? false : before, LibTorchSettings.OneDnnEnabled);
            }

            Assert.Equal(before, LibTorchSettings.OneDnnEnabled);
        }

        /// <summary>
        /// The gradient a training step gets from a convolution to 3 and to 4 channels (the last layer of the UNet and of
        /// TAESD) is right on one thread and on libtorch's default count, each several times over: the expected value comes
        /// from an unfold and a matrix product, which share no code with either convolution kernel. On a CPU where oneDNN's
        /// kernel is wrong (an AMD EPYC was) this holds only because the training scope keeps oneDNN off there.
        /// </summary>
        [Theory]
        [InlineData(3)]
        [InlineData(4)]
        public void ConvolutionInputGradientsInATrainingScopeMatchAnIndependentReference(int outChannels)
        {
            int threads = torch.get_num_threads();
            using var generator = new torch.Generator(7);
            using var scope = torch.NewDisposeScope();
            Tensor g = torch.randn(new long[] { 2, outChannels, 10, 10 }, generator: generator);
            Tensor w = torch.randn(new long[] { outChannels, 16, 3, 3 }, generator: generator);
            Tensor col = torch.matmul(w.reshape(outChannels, -1).t(), g.reshape(2, outChannels, 100));
            Tensor expected = torch.nn.functional.fold(col, (10, 10), (3, 3), padding: (1, 1));
            double scale = expected.abs().max().item<float>();
            using (torch.enable_grad())
            using (LibTorchSettings.ForTraining())
            {
                try
                {
                    foreach (int count in new[] { threads, 1, threads })
                    {
                        torch.set_num_threads(count);
                        for (int call = 0; call < 3; call++)
                        {
                            Tensor x = torch.zeros(new long[] { 2, 16, 10, 10 }).requires_grad_(true);
                            torch.nn.functional.conv2d(x, w, padding: new long[] { 1, 1 }).backward(new[] { g });
                            double error = x.grad!.sub(expected).abs().max().item<float>();
                            Assert.True(error <= 1e-4 * scale, $"{count} thread(s), call {call + 1}: input gradient off by {error:G3} (values reach {scale:G3}); {LibTorchSettings.TrainingNote ?? "oneDNN kept on for training"}");
                        }
                    }
                }
                finally
                {
                    torch.set_num_threads(threads);
                }
            }
        }
    }
}
