using System;
using System.Collections.Generic;
using System.Globalization;
using LiveDiffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>
    /// The decoder of TAESD (tiny autoencoder for Stable Diffusion 1.x latents, by Ollin Boer Bohan, MIT): latents
    /// [B, 4, h, w] in the SD 1.x scaled-latent space to images [B, 3, 8h, 8w] in [0, 1]; what live previews use to
    /// show every denoising step at a fraction of the full VAE's cost.
    /// </summary>
    /// <remarks>
    /// The layers are the indices of the original sequential stack, so parameter names match
    /// <c>taesd_decoder.safetensors</c>: <c>0</c> soft clamp x → tanh(x/3)·3, <c>1</c> conv(4→64), <c>2</c> ReLU,
    /// <c>3-5</c> Blocks; then three stages of nearest ×2 upsampling (<c>6</c>, <c>11</c>, <c>16</c>), a conv
    /// without bias (<c>7</c>, <c>12</c>, <c>17</c>) and Blocks (<c>8-10</c>, <c>13-15</c>, and only <c>18</c> in
    /// the last stage); <c>19</c> conv(64→3). Every conv is 3x3 with zero padding 1.
    /// </remarks>
    public sealed class TaesdDecoder : nn.Module<Tensor, Tensor>
    {
        /// <summary>File name of the pretrained weights.</summary>
        public const string WeightsFileName = "taesd_decoder.safetensors";

        private const int Width = TaesdEncoder.Width;

        private readonly Conv2d _convIn;
        private readonly TaesdBlock[] _blocks;
        private readonly Conv2d[] _ups = new Conv2d[3];
        private readonly TaesdBlock[][] _stages = new TaesdBlock[3][];
        private readonly Conv2d _convOut;

        /// <summary>Builds the network with freshly initialised (untrained) weights; use <see cref="Load"/> for the pretrained ones.</summary>
        public TaesdDecoder()
            : base(nameof(TaesdDecoder))
        {
            _convIn = TorchLayers.Conv(TaesdEncoder.LatentChannels, Width, 3, PaddingMode.Zeros);
            register_module("1", _convIn);
            _blocks = new TaesdBlock[3];
            for (int b = 0; b < 3; b++)
            {
                _blocks[b] = new TaesdBlock(Width);
                register_module(Name(3 + b), _blocks[b]);
            }

            int[] blocksPerStage = { 3, 3, 1 };
            int index = 6;
            for (int s = 0; s < 3; s++)
            {
                index++; // the parameterless nn.Upsample
                _ups[s] = TorchLayers.Conv(Width, Width, 3, PaddingMode.Zeros, bias: false);
                register_module(Name(index++), _ups[s]);
                _stages[s] = new TaesdBlock[blocksPerStage[s]];
                for (int b = 0; b < blocksPerStage[s]; b++)
                {
                    _stages[s][b] = new TaesdBlock(Width);
                    register_module(Name(index++), _stages[s][b]);
                }
            }

            _convOut = TorchLayers.Conv(Width, 3, 3, PaddingMode.Zeros);
            register_module(Name(index), _convOut);
        }

        /// <summary>
        /// Decodes latents [B, 4, h, w] to images [B, 3, 8h, 8w]. The output is TAESD's raw output: nominally in
        /// [0, 1] but it can overshoot slightly; <see cref="Decode"/> clamps it for display.
        /// </summary>
        public override Tensor forward(Tensor latents)
        {
            using var scope = NewDisposeScope();
            Tensor x = tanh(latents.div(TensorArithmetic.Three)).mul(TensorArithmetic.Three);
            x = F.relu(_convIn.forward(x));
            foreach (TaesdBlock block in _blocks)
            {
                x = block.forward(x);
            }

            for (int s = 0; s < 3; s++)
            {
                x = F.interpolate(x, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
                x = _ups[s].forward(x);
                foreach (TaesdBlock block in _stages[s])
                {
                    x = block.forward(x);
                }
            }

            return _convOut.forward(x).MoveToOuterDisposeScope();
        }

        /// <summary>Decodes latents [B, 4, h, w] to images [B, 3, 8h, 8w] clamped to [0, 1], without autograd.</summary>
        public Tensor Decode(Tensor latents)
        {
            if (latents.dim() != 4 || latents.shape[1] != TaesdEncoder.LatentChannels)
            {
                throw new ArgumentException($"TAESD decodes latents [B, 4, h, w]; got [{string.Join(", ", latents.shape)}].", nameof(latents));
            }

            using var noGrad = no_grad();
            using Tensor raw = forward(latents);
            return raw.clamp(TensorArithmetic.Zero, TensorArithmetic.One);
        }

        /// <summary>
        /// Loads the pretrained decoder from <paramref name="path"/> (<c>taesd_decoder.safetensors</c>; F32, F16 or
        /// BF16). Every tensor name and shape is checked before anything is copied.
        /// </summary>
        /// <exception cref="ModelConfigException">The file is missing, unreadable, or a tensor is missing, unexpected or the wrong shape (the message names the file and the tensor).</exception>
        public static TaesdDecoder Load(string path)
        {
            var decoder = new TaesdDecoder();
            try
            {
                TaesdWeights.Load(decoder, path, "decoder", WeightsFileName);
            }
            catch
            {
                decoder.Dispose();
                throw;
            }

            decoder.eval();
            return decoder;
        }

        private static string Name(int index) => index.ToString(CultureInfo.InvariantCulture);
    }
}
