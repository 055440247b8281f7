using System;
using LiveDiffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>
    /// The encoder of TAESD (tiny autoencoder for Stable Diffusion 1.x latents, by Ollin Boer Bohan, MIT): images
    /// [B, 3, H, W] in [0, 1] to latents [B, 4, H/8, W/8] in the space of the SD 1.x VAE's scaled latents.
    /// </summary>
    /// <remarks>
    /// The layers are the indices of the original sequential stack, so parameter names match
    /// <c>taesd_encoder.safetensors</c>: <c>0</c> conv(3→64), <c>1</c> Block; three stages of a stride-2 conv
    /// without bias (<c>2</c>, <c>6</c>, <c>10</c>) followed by three Blocks (<c>3-5</c>, <c>7-9</c>, <c>11-13</c>);
    /// <c>14</c> conv(64→4). Every conv is 3x3 with zero padding 1; Block is described on <see cref="TaesdBlock"/>.
    /// </remarks>
    public sealed class TaesdEncoder : nn.Module<Tensor, Tensor>
    {
        /// <summary>File name of the pretrained weights.</summary>
        public const string WeightsFileName = "taesd_encoder.safetensors";

        /// <summary>Channels of the latents.</summary>
        public const int LatentChannels = 4;

        /// <summary>Channels of every intermediate activation.</summary>
        public const int Width = 64;

        /// <summary>Number of stages whose activations <see cref="Features"/> pools (full, 1/2, 1/4 and 1/8 resolution).</summary>
        public const int StageCount = 4;

        /// <summary>Length of a <see cref="Features"/> vector: 64 channels × 4 stages.</summary>
        public const int FeatureLength = Width * StageCount;

        private readonly Conv2d _convIn;
        private readonly TaesdBlock _block;
        private readonly Conv2d[] _downs = new Conv2d[3];
        private readonly TaesdBlock[][] _stages = new TaesdBlock[3][];
        private readonly Conv2d _convOut;

        /// <summary>Builds the network with freshly initialised (untrained) weights; use <see cref="Load"/> for the pretrained ones.</summary>
        public TaesdEncoder()
            : base(nameof(TaesdEncoder))
        {
            _convIn = TorchLayers.Conv(3, Width, 3, PaddingMode.Zeros);
            _block = new TaesdBlock(Width);
            register_module("0", _convIn);
            register_module("1", _block);
            int index = 2;
            for (int s = 0; s < 3; s++)
            {
                _downs[s] = TorchLayers.Conv(Width, Width, 3, PaddingMode.Zeros, stride: 2, bias: false);
                register_module((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), _downs[s]);
                _stages[s] = new TaesdBlock[3];
                for (int b = 0; b < 3; b++)
                {
                    _stages[s][b] = new TaesdBlock(Width);
                    register_module((index++).ToString(System.Globalization.CultureInfo.InvariantCulture), _stages[s][b]);
                }
            }

            _convOut = TorchLayers.Conv(Width, LatentChannels, 3, PaddingMode.Zeros);
            register_module("14", _convOut);
        }

        /// <summary>Encodes images [B, 3, H, W] in [0, 1] to latents [B, 4, ceil(H/8), ceil(W/8)].</summary>
        public override Tensor forward(Tensor images)
        {
            using var scope = NewDisposeScope();
            Tensor x = _block.forward(_convIn.forward(images));
            for (int s = 0; s < 3; s++)
            {
                x = RunStage(s, x);
            }

            return _convOut.forward(x).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Pooled intermediate activations for evaluation metrics (a Fréchet distance in this space is a small,
        /// offline stand-in for FID). Definition: let A0 be the output of Block <c>1</c> (64 channels, H×W), and A1,
        /// A2, A3 the outputs of the last Block of each stride-2 stage (Blocks <c>5</c>, <c>9</c>, <c>13</c>;
        /// 64 channels at H/2, H/4, H/8). The result is [B, 256] = concat(mean_hw(A0), mean_hw(A1), mean_hw(A2),
        /// mean_hw(A3)) along dimension 1, where mean_hw is the per-channel mean over all spatial positions. The
        /// blocks end in a ReLU, so every feature is ≥ 0. Runs without autograd; input as for <see cref="forward"/>
        /// (images in [0, 1]). The final conv to latents is not used.
        /// </summary>
        public Tensor Features(Tensor images)
        {
            if (images.dim() != 4 || images.shape[1] != 3)
            {
                throw new ArgumentException($"TAESD takes images [B, 3, H, W] in [0, 1]; got [{string.Join(", ", images.shape)}].", nameof(images));
            }

            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var pooled = new Tensor[StageCount];
            Tensor x = _block.forward(_convIn.forward(images));
            pooled[0] = x.mean(new long[] { 2, 3 });
            for (int s = 0; s < 3; s++)
            {
                x = RunStage(s, x);
                pooled[s + 1] = x.mean(new long[] { 2, 3 });
            }

            return cat(pooled, 1).MoveToOuterDisposeScope();
        }

        /// <summary>
        /// Loads the pretrained encoder from <paramref name="path"/> (<c>taesd_encoder.safetensors</c>; F32, F16 or
        /// BF16). Every tensor name and shape is checked before anything is copied.
        /// </summary>
        /// <exception cref="ModelConfigException">The file is missing, unreadable, or a tensor is missing, unexpected or the wrong shape (the message names the file and the tensor).</exception>
        public static TaesdEncoder Load(string path)
        {
            var encoder = new TaesdEncoder();
            try
            {
                TaesdWeights.Load(encoder, path, "encoder", WeightsFileName);
            }
            catch
            {
                encoder.Dispose();
                throw;
            }

            encoder.eval();
            return encoder;
        }

        private Tensor RunStage(int stage, Tensor x)
        {
            x = _downs[stage].forward(x);
            foreach (TaesdBlock block in _stages[stage])
            {
                x = block.forward(x);
            }

            return x;
        }
    }
}
