using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>
    /// A diffusers <c>UNet2DModel</c>-style denoising network in TorchSharp, built from a <see cref="UNet2DConfig"/>:
    /// sinusoidal time embedding → MLP, optional class embedding, residual down/up blocks with optional self-attention
    /// at chosen resolutions, and zero or circular padding in every convolution. Parameter names are diffusers' own
    /// (<c>conv_in.weight</c>, <c>time_embedding.linear_1.weight</c>, <c>down_blocks.0.resnets.0.norm1.weight</c>,
    /// <c>mid_block.attentions.0.to_q.weight</c>, <c>up_blocks.1.upsamplers.0.conv.weight</c>, <c>conv_out.bias</c>, …),
    /// so weights move between this network and diffusers' by name.
    /// </summary>
    public sealed class UNet2D : nn.Module<Tensor, Tensor, Tensor?, Tensor>
    {
        /// <summary>File name of the weights inside a model's <c>unet/</c> folder (diffusers' name).</summary>
        public const string WeightsFileName = ModelFolder.WeightsFileName;

        private readonly Conv2d _convIn;
        private readonly Linear _timeLinear1;
        private readonly Linear _timeLinear2;
        private readonly Embedding? _classEmbedding;
        private readonly UNetDownBlock[] _downBlocks;
        private readonly UNetMidBlock _midBlock;
        private readonly UNetUpBlock[] _upBlocks;
        private readonly GroupNorm _convNormOut;
        private readonly Conv2d _convOut;

        /// <summary>Builds the network with freshly initialised weights.</summary>
        public UNet2D(UNet2DConfig config)
            : base(nameof(UNet2D))
        {
            config.Validate();
            Config = config;
            long ch0 = config.BlockOutChannels[0];
            long temb = config.TimeEmbedDim;

            _convIn = TorchLayers.Conv(config.InChannels, ch0, 3, config.PaddingMode);
            _timeLinear1 = nn.Linear(ch0, temb);
            _timeLinear2 = nn.Linear(temb, temb);
            register_module("conv_in", _convIn);
            var timeEmbedding = new ModuleDict<nn.Module>();
            timeEmbedding.Add(("linear_1", _timeLinear1));
            timeEmbedding.Add(("linear_2", _timeLinear2));
            register_module("time_embedding", timeEmbedding);
            if (config.NumClassEmbeds.HasValue)
            {
                _classEmbedding = nn.Embedding(config.NumClassEmbeds.Value, temb);
                register_module("class_embedding", _classEmbedding);
            }

            int blocks = config.BlockOutChannels.Count;
            _downBlocks = new UNetDownBlock[blocks];
            long output = ch0;
            for (int i = 0; i < blocks; i++)
            {
                long input = output;
                output = config.BlockOutChannels[i];
                _downBlocks[i] = new UNetDownBlock(input, output, temb, config.DownBlockTypes[i] == "AttnDownBlock2D", i < blocks - 1, config);
            }

            register_module("down_blocks", new ModuleList<UNetDownBlock>(_downBlocks));
            _midBlock = new UNetMidBlock(config.BlockOutChannels[blocks - 1], temb, config);
            register_module("mid_block", _midBlock);

            _upBlocks = new UNetUpBlock[blocks];
            for (int i = 0; i < blocks; i++)
            {
                (long previous, output, long input) = config.UpBlockChannels(i);
                _upBlocks[i] = new UNetUpBlock(input, previous, output, temb, config.UpBlockTypes[i] == "AttnUpBlock2D", i < blocks - 1, config);
            }

            register_module("up_blocks", new ModuleList<UNetUpBlock>(_upBlocks));
            _convNormOut = TorchLayers.GroupNorm(config.NormNumGroups, ch0, config.NormEps);
            _convOut = TorchLayers.Conv(ch0, config.OutChannels, 3, config.PaddingMode);
            register_module("conv_norm_out", _convNormOut);
            register_module("conv_out", _convOut);
        }

        /// <summary>The configuration the network was built from.</summary>
        public UNet2DConfig Config { get; }

        /// <summary>Number of trainable parameters.</summary>
        public long ParameterCount => parameters().Sum(p => p.numel());

        /// <summary>
        /// Draws every parameter again from <paramref name="generator"/>, with the distributions libtorch's layers start
        /// from (convolution and linear weights and biases uniform in ±1/√fan_in, embeddings standard normal; group norms
        /// 1 and 0). A new network draws from libtorch's process-wide generator, which anything else in the process (a
        /// parallel test, a model being loaded) draws from too; this makes a seeded initialisation depend on the seed alone.
        /// </summary>
        public void ResetParameters(torch.Generator generator)
        {
            using var noGrad = no_grad();
            foreach ((string _, nn.Module module) in named_modules())
            {
                switch (module)
                {
                    case Conv2d conv:
                        Uniform(conv.weight!, conv.bias, conv.weight!.shape[1] * conv.weight.shape[2] * conv.weight.shape[3], generator);
                        break;
                    case Linear linear:
                        Uniform(linear.weight!, linear.bias, linear.weight!.shape[1], generator);
                        break;
                    case Embedding embedding:
                        embedding.weight!.normal_(0, 1, generator);
                        break;
                    case GroupNorm norm:
                        norm.weight!.fill_(TensorArithmetic.One);
                        norm.bias!.fill_(TensorArithmetic.Zero);
                        break;
                }
            }
        }

        private static void Uniform(Tensor weight, Tensor? bias, long fanIn, torch.Generator generator)
        {
            double bound = 1 / Math.Sqrt(fanIn);
            weight.uniform_(-bound, bound, generator);
            bias?.uniform_(-bound, bound, generator);
        }

        /// <summary>
        /// Predicts the model output for <paramref name="sample"/> [B, C, H, W] at <paramref name="timesteps"/> [B]
        /// (float) with optional <paramref name="classLabels"/> [B] (int64).
        /// </summary>
        public override Tensor forward(Tensor sample, Tensor timesteps, Tensor? classLabels)
        {
            using var scope = NewDisposeScope();
            if (_classEmbedding != null && classLabels is null)
            {
                throw new ArgumentException("This model is class-conditional: pass class labels (num_class_embeds = " + Config.NumClassEmbeds + ").", nameof(classLabels));
            }

            Tensor x = Config.CenterInputSample ? sample.Affine(2, -1) : sample;
            Tensor t = timesteps.dim() == 0 ? timesteps.expand(sample.shape[0]) : timesteps;
            Tensor emb = TimestepEmbedding(t.to_type(ScalarType.Float32), Config.BlockOutChannels[0], Config.FlipSinToCos, Config.FreqShift);
            emb = _timeLinear2.forward(F.silu(_timeLinear1.forward(emb)));
            if (_classEmbedding != null)
            {
                emb = emb.Plus(_classEmbedding.forward(classLabels!.to_type(ScalarType.Int64)));
            }

            x = _convIn.forward(x);
            var skips = new List<Tensor>(1 + Config.BlockOutChannels.Count * (Config.LayersPerBlock + 1)) { x };
            foreach (UNetDownBlock block in _downBlocks)
            {
                x = block.Forward(x, emb, skips);
            }

            x = _midBlock.Forward(x, emb);
            foreach (UNetUpBlock block in _upBlocks)
            {
                x = block.Forward(x, emb, skips);
            }

            x = _convOut.forward(F.silu(_convNormOut.forward(x)));
            return x.MoveToOuterDisposeScope();
        }

        /// <summary>
        /// diffusers' <c>get_timestep_embedding</c>: sin/cos of t at geometrically spaced frequencies from 1 down to
        /// 1/10000, ordered cos, sin when <paramref name="flipSinToCos"/>.
        /// </summary>
        public static Tensor TimestepEmbedding(Tensor timesteps, long dim, bool flipSinToCos, int freqShift)
        {
            using var scope = NewDisposeScope();
            long half = dim / 2;
            Tensor exponent = TensorArithmetic.Range(half, timesteps.device).Times(-Math.Log(10000.0) / (half - freqShift));
            Tensor args = timesteps.unsqueeze(1) * exp(exponent).unsqueeze(0);
            Tensor emb = flipSinToCos ? cat(new[] { cos(args), sin(args) }, 1) : cat(new[] { sin(args), cos(args) }, 1);
            if (dim % 2 == 1)
            {
                emb = F.pad(emb, new long[] { 0, 1 });
            }

            return emb.MoveToOuterDisposeScope();
        }

        /// <summary>Copies weights from a safetensors file; every parameter must be present with its shape, and nothing else.</summary>
        /// <exception cref="ModelConfigException">A tensor is missing, extra or the wrong shape (the message names it and the file).</exception>
        public void LoadWeights(SafeTensorsFile file)
        {
            Dictionary<string, Parameter> parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter);
            string[] missing = parameters.Keys.Where(n => !file.Contains(n)).ToArray();
            string[] extra = file.Names.Where(n => !parameters.ContainsKey(n)).ToArray();
            if (missing.Length > 0 || extra.Length > 0)
            {
                throw new ModelConfigException(
                    $"{file.Path} does not match unet/config.json: "
                    + (missing.Length > 0 ? $"{missing.Length} tensors missing (first: {string.Join(", ", missing.Take(3))}) " : string.Empty)
                    + (extra.Length > 0 ? $"{extra.Length} unexpected (first: {string.Join(", ", extra.Take(3))})" : string.Empty)
                    + ". The weights were saved from a different configuration; use the config.json that was saved with them.");
            }

            using (no_grad())
            {
                foreach ((string name, Parameter parameter) in parameters)
                {
                    SafeTensorInfo info = file.Info(name);
                    if (!info.Shape.SequenceEqual(parameter.shape))
                    {
                        throw new ModelConfigException($"{file.Path}: tensor '{name}' is {info.ShapeString} but unet/config.json builds [{string.Join(", ", parameter.shape)}].");
                    }

                    float[] values = file.ReadFloat32(name);
                    using Tensor source = tensor(values, parameter.shape);
                    parameter.copy_(source);
                }
            }
        }

        /// <summary>Adds every parameter (as float32 on the host) to <paramref name="writer"/> under its diffusers name, after <paramref name="prefix"/>.</summary>
        public void AddWeights(SafeTensorsWriter writer, string prefix = "") =>
            TorchWeights.Add(writer, prefix, named_parameters().Select(p => (p.name, (Tensor)p.parameter)));

        /// <summary>Saves <c>config.json</c> and the weights into <paramref name="folder"/> (a model's <c>unet/</c> folder).</summary>
        public void Save(string folder, SafeTensorDType dtype = SafeTensorDType.Float32)
        {
            Directory.CreateDirectory(folder);
            var writer = new SafeTensorsWriter();
            writer.Metadata["format"] = "pt";
            AddWeights(writer);
            writer.Write(Path.Combine(folder, WeightsFileName), dtype);
            Config.Save(Path.Combine(folder, "config.json"));
        }

        /// <summary>Loads a network from a model's <c>unet/</c> folder (config.json + diffusion_pytorch_model.safetensors).</summary>
        public static UNet2D Load(string folder) => Load(folder, null);

        /// <summary>
        /// As <see cref="Load(string)"/>, with the convolutions' padding mode overridden when <paramref name="padding"/> is
        /// given (the weights do not depend on it): e.g. to see what a circular model does with zero padding, as it would
        /// run in an engine whose convolutions cannot wrap.
        /// </summary>
        public static UNet2D Load(string folder, PaddingMode? padding)
        {
            string configPath = Path.Combine(folder, "config.json");
            string weightsPath = Path.Combine(folder, WeightsFileName);
            UNet2DConfig config = UNet2DConfig.Load(configPath);
            if (padding.HasValue)
            {
                config = config with { PaddingMode = padding.Value };
            }

            if (!File.Exists(weightsPath))
            {
                throw new ModelConfigException($"UNet weights not found: {weightsPath}. A model's unet/ folder needs config.json and {WeightsFileName}.");
            }

            var unet = new UNet2D(config);
            try
            {
                unet.LoadWeights(SafeTensorsFile.Read(weightsPath));
            }
            catch
            {
                unet.Dispose();
                throw;
            }

            unet.eval();
            return unet;
        }
    }
}
