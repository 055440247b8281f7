using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.IO;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>
    /// The weights an exporter reads, by name, from a safetensors file: each read checks the shape, and
    /// <see cref="CheckAllUsed"/> refuses a file with tensors the network does not have, so an export can never
    /// silently drop or invent a weight.
    /// </summary>
    internal sealed class OnnxWeightSource
    {
        private readonly SafeTensorsFile _file;
        private readonly string _role;
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);

        public OnnxWeightSource(SafeTensorsFile file, string role)
        {
            _file = file;
            _role = role;
        }

        /// <summary>Reads tensor <paramref name="name"/> as float32, checking it has shape <paramref name="shape"/>.</summary>
        public float[] Read(string name, params long[] shape)
        {
            if (!_file.Contains(name))
            {
                throw new ModelConfigException($"{_file.Path} has no tensor '{name}', which the {_role} needs. The weights do not match the configuration; export the folder they were saved with.");
            }

            SafeTensorInfo info = _file.Info(name);
            if (!info.Shape.SequenceEqual(shape))
            {
                throw new ModelConfigException($"{_file.Path}: tensor '{name}' is {info.ShapeString}, but the {_role} needs [{string.Join(", ", shape)}].");
            }

            _used.Add(name);
            return _file.ReadFloat32(name);
        }

        /// <summary>Adds tensor <paramref name="name"/> to the graph as an initializer of the same name and shape.</summary>
        public string Add(OnnxGraphBuilder graph, string name, params long[] shape) => graph.Weight(name, Read(name, shape), shape);

        /// <summary>Throws when the file holds tensors the export did not read.</summary>
        public void CheckAllUsed()
        {
            string[] extra = _file.Names.Where(n => !_used.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            if (extra.Length > 0)
            {
                throw new ModelConfigException($"{_file.Path} has {extra.Length} tensor(s) the {_role} does not use (first: '{extra[0]}'). The weights were saved from a different configuration.");
            }
        }
    }
}
