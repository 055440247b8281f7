using LiveDiffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>Layer factories shared by the networks: the padding mode and the GroupNorm initialisation live here once.</summary>
    internal static class TorchLayers
    {
        // Every network here builds its convolutions through this class: libtorch's settings are in place before the first one runs.
        static TorchLayers() => LibTorchSettings.Apply();

        /// <summary>A 3x3 (or other odd-sized) convolution with "same" padding in the configured mode.</summary>
        public static Conv2d Conv(long inChannels, long outChannels, long kernel, PaddingMode padding, long stride = 1, bool bias = true)
        {
            long pad = kernel / 2;
            PaddingModes mode = padding == PaddingMode.Circular && pad > 0 ? PaddingModes.Circular : PaddingModes.Zeros;
            return nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: pad, padding_mode: mode, bias: bias);
        }

        /// <summary>
        /// A GroupNorm with weight 1 and bias 0. TorchSharp 0.107 leaves both uninitialised (arbitrary memory), which
        /// silently ruins training; every GroupNorm in this package comes from here.
        /// </summary>
        public static GroupNorm GroupNorm(long groups, long channels, double eps)
        {
            GroupNorm norm = nn.GroupNorm(groups, channels, eps);
            using (no_grad())
            {
                norm.weight!.fill_(TensorArithmetic.One);
                norm.bias!.fill_(TensorArithmetic.Zero);
            }

            return norm;
        }
    }
}
