using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;
using Xunit;

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
            Assert.Equal(System.Environment.GetEnvironmentVariable(LibTorchSettings.OneDnnVariable) != "0", LibTorchSettings.OneDnnEnabled);
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
    }
}
