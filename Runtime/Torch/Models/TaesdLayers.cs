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
    /// TAESD's residual block: <c>relu(conv(relu(conv(relu(conv(x))))) + x)</c> with three 3x3 zero-padded
    /// convolutions of 64 channels. The convolutions are registered as <c>conv.0</c>, <c>conv.2</c>, <c>conv.4</c>,
    /// the indices they have in the original <c>nn.Sequential(conv, ReLU, conv, ReLU, conv)</c>, so parameter names
    /// match the pretrained files (<c>3.conv.2.weight</c>, …). TAESD has no normalisation layers.
    /// </summary>
    internal sealed class TaesdBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv0;
        private readonly Conv2d _conv2;
        private readonly Conv2d _conv4;

        public TaesdBlock(long channels)
            : base(nameof(TaesdBlock))
        {
            _conv0 = TorchLayers.Conv(channels, channels, 3, PaddingMode.Zeros);
            _conv2 = TorchLayers.Conv(channels, channels, 3, PaddingMode.Zeros);
            _conv4 = TorchLayers.Conv(channels, channels, 3, PaddingMode.Zeros);
            var conv = new ModuleDict<Conv2d>();
            conv.Add(("0", _conv0));
            conv.Add(("2", _conv2));
            conv.Add(("4", _conv4));
            register_module("conv", conv);
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor h = F.relu(_conv0.forward(input));
            h = F.relu(_conv2.forward(h));
            h = _conv4.forward(h);
            return F.relu(h.Plus(input)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Loads the pretrained TAESD safetensors into a network, checking every tensor's name and shape first.</summary>
    internal static class TaesdWeights
    {
        /// <summary>
        /// Copies the weights of <paramref name="path"/> into <paramref name="module"/>. The file must hold exactly the
        /// module's parameters, by name, each with the module's shape; otherwise nothing is copied and a
        /// <see cref="ModelConfigException"/> names the file and the first offending tensor.
        /// </summary>
        public static void Load(nn.Module module, string path, string role, string expectedFileName)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new ModelConfigException($"TAESD {role} weights not found: {full}. Pass the path of {expectedFileName} (TAESD's pretrained weights, MIT licence).");
            }

            SafeTensorsFile file;
            try
            {
                file = SafeTensorsFile.Read(full);
            }
            catch (InvalidDataException e)
            {
                throw new ModelConfigException($"{full} is not a readable TAESD {role} file: {e.Message}", e);
            }

            Dictionary<string, Parameter> parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            string[] missing = parameters.Keys.Where(n => !file.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            string[] extra = file.Names.Where(n => !parameters.ContainsKey(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            if (missing.Length > 0 || extra.Length > 0)
            {
                string hint = extra.Length > 0 && missing.Length > 0
                    ? $" Is it the other half of TAESD? The {role} file is {expectedFileName}."
                    : string.Empty;
                throw new ModelConfigException(
                    $"{full} is not a TAESD {role}: "
                    + (missing.Length > 0 ? $"{missing.Length} tensor(s) missing (first: '{missing[0]}'{(missing.Length > 1 ? ", '" + missing[1] + "'" : string.Empty)})" : string.Empty)
                    + (missing.Length > 0 && extra.Length > 0 ? "; " : string.Empty)
                    + (extra.Length > 0 ? $"{extra.Length} unexpected tensor(s) (first: '{extra[0]}'{(extra.Length > 1 ? ", '" + extra[1] + "'" : string.Empty)})" : string.Empty)
                    + $". It should hold the {parameters.Count} tensors of TAESD's {role}.{hint}");
            }

            foreach ((string name, Parameter parameter) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                SafeTensorInfo info = file.Info(name);
                if (!info.Shape.SequenceEqual(parameter.shape))
                {
                    throw new ModelConfigException($"{full}: tensor '{name}' is {info.ShapeString}, but TAESD's {role} needs [{string.Join(", ", parameter.shape)}]. The file is not the pretrained TAESD {role} ({expectedFileName}).");
                }
            }

            using (no_grad())
            {
                foreach ((string name, Parameter parameter) in parameters)
                {
                    float[] values = file.ReadFloat32(name);
                    using Tensor source = tensor(values, parameter.shape);
                    parameter.copy_(source);
                }
            }
        }
    }
}
