using System;
using System.Collections.Generic;
using LiveDiffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>diffusers' ResnetBlock2D: GroupNorm, SiLU, conv, + projected time embedding, GroupNorm, SiLU, dropout, conv, + shortcut.</summary>
    internal sealed class ResnetBlock2D : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly GroupNorm _norm1;
        private readonly Conv2d _conv1;
        private readonly Linear _timeEmbProj;
        private readonly GroupNorm _norm2;
        private readonly Conv2d _conv2;
        private readonly Conv2d? _convShortcut;
        private readonly double _dropout;

        public ResnetBlock2D(long inChannels, long outChannels, long tembChannels, UNet2DConfig config)
            : base(nameof(ResnetBlock2D))
        {
            _norm1 = TorchLayers.GroupNorm(config.NormNumGroups, inChannels, config.NormEps);
            _conv1 = TorchLayers.Conv(inChannels, outChannels, 3, config.PaddingMode);
            _timeEmbProj = nn.Linear(tembChannels, outChannels);
            _norm2 = TorchLayers.GroupNorm(config.NormNumGroups, outChannels, config.NormEps);
            _conv2 = TorchLayers.Conv(outChannels, outChannels, 3, config.PaddingMode);
            _dropout = config.Dropout;
            register_module("norm1", _norm1);
            register_module("conv1", _conv1);
            register_module("time_emb_proj", _timeEmbProj);
            register_module("norm2", _norm2);
            register_module("conv2", _conv2);
            if (inChannels != outChannels)
            {
                _convShortcut = nn.Conv2d(inChannels, outChannels, 1);
                register_module("conv_shortcut", _convShortcut);
            }
        }

        public override Tensor forward(Tensor input, Tensor temb)
        {
            using var scope = NewDisposeScope();
            Tensor h = _conv1.forward(F.silu(_norm1.forward(input)));
            Tensor t = _timeEmbProj.forward(F.silu(temb));
            h = h.Plus(t.unsqueeze(-1).unsqueeze(-1));
            h = F.silu(_norm2.forward(h));
            if (_dropout > 0 && training)
            {
                h = F.dropout(h, _dropout, training);
            }

            h = _conv2.forward(h);
            Tensor shortcut = _convShortcut is null ? input : _convShortcut.forward(input);
            return shortcut.Plus(h).MoveToOuterDisposeScope();
        }
    }

    /// <summary>diffusers' spatial self-attention (Attention with group_norm and a residual connection).</summary>
    internal sealed class AttentionBlock : nn.Module<Tensor, Tensor>
    {
        private readonly GroupNorm _groupNorm;
        private readonly Linear _toQ;
        private readonly Linear _toK;
        private readonly Linear _toV;
        private readonly Linear _toOut;
        private readonly long _heads;

        public AttentionBlock(long channels, UNet2DConfig config)
            : base(nameof(AttentionBlock))
        {
            _heads = channels / config.AttentionHeadDim;
            _groupNorm = TorchLayers.GroupNorm(config.NormNumGroups, channels, config.NormEps);
            _toQ = nn.Linear(channels, channels);
            _toK = nn.Linear(channels, channels);
            _toV = nn.Linear(channels, channels);
            _toOut = nn.Linear(channels, channels);
            register_module("group_norm", _groupNorm);
            register_module("to_q", _toQ);
            register_module("to_k", _toK);
            register_module("to_v", _toV);
            register_module("to_out", new ModuleList<nn.Module<Tensor, Tensor>>(_toOut));
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            long b = input.shape[0], c = input.shape[1], h = input.shape[2], w = input.shape[3];
            long headDim = c / _heads;
            Tensor x = _groupNorm.forward(input).view(b, c, h * w).transpose(1, 2);
            Tensor q = _toQ.forward(x).view(b, h * w, _heads, headDim).transpose(1, 2);
            Tensor k = _toK.forward(x).view(b, h * w, _heads, headDim).transpose(1, 2);
            Tensor v = _toV.forward(x).view(b, h * w, _heads, headDim).transpose(1, 2);
            Tensor attended = F.scaled_dot_product_attention(q, k, v);
            Tensor merged = attended.transpose(1, 2).reshape(b, h * w, c);
            Tensor output = _toOut.forward(merged).transpose(1, 2).reshape(b, c, h, w);
            return output.Plus(input).MoveToOuterDisposeScope();
        }
    }

    /// <summary>A strided 3x3 convolution that halves the resolution (diffusers' Downsample2D with use_conv).</summary>
    internal sealed class Downsample2D : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv;

        public Downsample2D(long channels, UNet2DConfig config)
            : base(nameof(Downsample2D))
        {
            _conv = TorchLayers.Conv(channels, channels, 3, config.PaddingMode, stride: 2);
            register_module("conv", _conv);
        }

        public override Tensor forward(Tensor input) => _conv.forward(input);
    }

    /// <summary>Nearest-neighbour 2x upsampling followed by a 3x3 convolution (diffusers' Upsample2D with use_conv).</summary>
    internal sealed class Upsample2D : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv;

        public Upsample2D(long channels, UNet2DConfig config)
            : base(nameof(Upsample2D))
        {
            _conv = TorchLayers.Conv(channels, channels, 3, config.PaddingMode);
            register_module("conv", _conv);
        }

        public override Tensor forward(Tensor input)
        {
            using Tensor up = F.interpolate(input, scale_factor: new double[] { 2, 2 }, mode: InterpolationMode.Nearest);
            return _conv.forward(up);
        }
    }

    /// <summary>A down block: residual blocks (each optionally followed by attention), then an optional downsampler. Every output is kept as a skip.</summary>
    internal sealed class UNetDownBlock : nn.Module
    {
        private readonly ModuleList<ResnetBlock2D> _resnets = new ModuleList<ResnetBlock2D>();
        private readonly ModuleList<AttentionBlock>? _attentions;
        private readonly Downsample2D? _downsampler;

        public UNetDownBlock(long inChannels, long outChannels, long tembChannels, bool attention, bool downsample, UNet2DConfig config)
            : base("UNetDownBlock")
        {
            for (int i = 0; i < config.LayersPerBlock; i++)
            {
                _resnets.Add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, tembChannels, config));
            }

            if (attention)
            {
                _attentions = new ModuleList<AttentionBlock>();
                for (int i = 0; i < config.LayersPerBlock; i++)
                {
                    _attentions.Add(new AttentionBlock(outChannels, config));
                }
            }

            register_module("resnets", _resnets);
            if (_attentions != null)
            {
                register_module("attentions", _attentions);
            }

            if (downsample)
            {
                _downsampler = new Downsample2D(outChannels, config);
                register_module("downsamplers", new ModuleList<Downsample2D>(_downsampler));
            }
        }

        public Tensor Forward(Tensor input, Tensor temb, List<Tensor> skips)
        {
            Tensor x = input;
            for (int i = 0; i < _resnets.Count; i++)
            {
                x = _resnets[i].forward(x, temb);
                if (_attentions != null)
                {
                    x = _attentions[i].forward(x);
                }

                skips.Add(x);
            }

            if (_downsampler != null)
            {
                x = _downsampler.forward(x);
                skips.Add(x);
            }

            return x;
        }
    }

    /// <summary>An up block: residual blocks over the concatenation with a skip (each optionally followed by attention), then an optional upsampler.</summary>
    internal sealed class UNetUpBlock : nn.Module
    {
        private readonly ModuleList<ResnetBlock2D> _resnets = new ModuleList<ResnetBlock2D>();
        private readonly ModuleList<AttentionBlock>? _attentions;
        private readonly Upsample2D? _upsampler;

        public UNetUpBlock(long inChannels, long prevOutputChannels, long outChannels, long tembChannels, bool attention, bool upsample, UNet2DConfig config)
            : base("UNetUpBlock")
        {
            int layers = config.LayersPerBlock + 1;
            for (int i = 0; i < layers; i++)
            {
                long skipChannels = i == layers - 1 ? inChannels : outChannels;
                long resnetIn = i == 0 ? prevOutputChannels : outChannels;
                _resnets.Add(new ResnetBlock2D(resnetIn + skipChannels, outChannels, tembChannels, config));
            }

            if (attention)
            {
                _attentions = new ModuleList<AttentionBlock>();
                for (int i = 0; i < layers; i++)
                {
                    _attentions.Add(new AttentionBlock(outChannels, config));
                }
            }

            register_module("resnets", _resnets);
            if (_attentions != null)
            {
                register_module("attentions", _attentions);
            }

            if (upsample)
            {
                _upsampler = new Upsample2D(outChannels, config);
                register_module("upsamplers", new ModuleList<Upsample2D>(_upsampler));
            }
        }

        public Tensor Forward(Tensor input, Tensor temb, List<Tensor> skips)
        {
            Tensor x = input;
            for (int i = 0; i < _resnets.Count; i++)
            {
                Tensor skip = skips[skips.Count - 1];
                skips.RemoveAt(skips.Count - 1);
                x = _resnets[i].forward(cat(new[] { x, skip }, 1), temb);
                if (_attentions != null)
                {
                    x = _attentions[i].forward(x);
                }
            }

            if (_upsampler != null)
            {
                x = _upsampler.forward(x);
            }

            return x;
        }
    }

    /// <summary>The middle block: residual block, optional attention, residual block.</summary>
    internal sealed class UNetMidBlock : nn.Module
    {
        private readonly ModuleList<ResnetBlock2D> _resnets = new ModuleList<ResnetBlock2D>();
        private readonly ModuleList<AttentionBlock>? _attentions;

        public UNetMidBlock(long channels, long tembChannels, UNet2DConfig config)
            : base("UNetMidBlock2D")
        {
            _resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, config));
            _resnets.Add(new ResnetBlock2D(channels, channels, tembChannels, config));
            register_module("resnets", _resnets);
            if (config.AddAttention)
            {
                _attentions = new ModuleList<AttentionBlock>(new AttentionBlock(channels, config));
                register_module("attentions", _attentions);
            }
        }

        public Tensor Forward(Tensor input, Tensor temb)
        {
            Tensor x = _resnets[0].forward(input, temb);
            if (_attentions != null)
            {
                x = _attentions[0].forward(x);
            }

            return _resnets[1].forward(x, temb);
        }
    }
}
