using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using LiveDiffusion.Editor.Onnx.Proto;
using LiveDiffusion.IO;

namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>
    /// Builds an ONNX model one node at a time and writes it: graph inputs and outputs with fixed or symbolic
    /// dimensions, float and int64 initializers, and nodes of the default ONNX domain. Values are referred to by
    /// name; <see cref="Node(string, IReadOnlyList{string}, OnnxAttribute[])"/> returns the name of the value it
    /// produces, so a network reads as a chain of calls.
    /// </summary>
    /// <remarks>
    /// The model targets ONNX IR version 8 and the opset given to the constructor (17 by default: every operator the
    /// exporters use exists there, and ONNX Runtime 1.14 and later run it). Nodes must be added in topological
    /// order, which a forward pass written top to bottom gives naturally.
    /// </remarks>
    public sealed class OnnxGraphBuilder
    {
        /// <summary>The opset the exporters target unless told otherwise.</summary>
        public const int DefaultOpset = 17;

        private readonly GraphProto _graph;
        private readonly HashSet<string> _values = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _int64Constants = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _floatConstants = new Dictionary<string, string>(StringComparer.Ordinal);
        private int _nodeCount;

        /// <summary>Starts an empty graph named <paramref name="name"/>.</summary>
        public OnnxGraphBuilder(string name, int opset = DefaultOpset)
        {
            if (opset < 13)
            {
                throw new ArgumentOutOfRangeException(nameof(opset), opset, "The builder writes Slice, Unsqueeze and Resize in their opset-13 form: choose opset 13 or later.");
            }

            _graph = new GraphProto { Name = name };
            Opset = opset;
        }

        /// <summary>The ONNX opset the model declares.</summary>
        public int Opset { get; }

        /// <summary>Key/value metadata stored in the model (ONNX Runtime exposes it as custom metadata).</summary>
        public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>A description stored in the model.</summary>
        public string Description { get; set; } = string.Empty;

        /// <summary>Number of nodes added so far.</summary>
        public int NodeCount => _graph.Node.Count;

        /// <summary>Number of weight values (float initializer elements) added so far.</summary>
        public long WeightCount { get; private set; }

        /// <summary>Declares a graph input and returns its name.</summary>
        public string Input(string name, OnnxElementType type, params OnnxDim[] dims)
        {
            Declare(name);
            _graph.Input.Add(ValueInfo(name, type, dims));
            return name;
        }

        /// <summary>Declares <paramref name="value"/> as the graph output <paramref name="name"/> (adding an Identity when the names differ).</summary>
        public void Output(string value, string name, OnnxElementType type, params OnnxDim[] dims)
        {
            Require(value);
            if (value != name)
            {
                Declare(name);
                _graph.Node.Add(NodeProto("Identity", new[] { value }, new[] { name }, Array.Empty<OnnxAttribute>()));
            }

            _graph.Output.Add(ValueInfo(name, type, dims));
        }

        /// <summary>Adds a float32 initializer (a weight) named <paramref name="name"/> with shape <paramref name="dims"/>.</summary>
        public string Weight(string name, ReadOnlySpan<float> values, params long[] dims)
        {
            long count = dims.Aggregate(1L, (a, d) => a * d);
            if (count != values.Length)
            {
                throw new ArgumentException($"Weight '{name}' has {values.Length} values but shape [{string.Join(", ", dims)}] holds {count}.", nameof(values));
            }

            Declare(name);
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
            tensor.Dims.AddRange(dims);
            _graph.Initializer.Add(tensor);
            WeightCount += count;
            return name;
        }

        /// <summary>A 1-D int64 constant (shapes, axes, slice bounds), shared between nodes that use the same values.</summary>
        public string Int64s(params long[] values)
        {
            string key = string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
            if (_int64Constants.TryGetValue(key, out string? existing))
            {
                return existing;
            }

            string name = $"const_i64_{_int64Constants.Count}";
            Declare(name);
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            _graph.Initializer.Add(tensor);
            _int64Constants[key] = name;
            return name;
        }

        /// <summary>A float scalar constant, shared between nodes that use the same value.</summary>
        public string Scalar(float value) => FloatConstant(new[] { value }, Array.Empty<long>());

        /// <summary>A 1-D float constant (such as Resize scales), shared between nodes that use the same values.</summary>
        public string Floats(params float[] values) => FloatConstant(values, new long[] { values.Length });

        private string FloatConstant(float[] values, long[] dims)
        {
            string key = string.Join(",", dims) + ":" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            if (_floatConstants.TryGetValue(key, out string? existing))
            {
                return existing;
            }

            string name = $"const_f32_{_floatConstants.Count}";
            Declare(name);
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.FloatData.AddRange(values);
            _graph.Initializer.Add(tensor);
            _floatConstants[key] = name;
            return name;
        }

        /// <summary>Adds a node with one output and returns the output's name. An empty input name means "omitted optional input".</summary>
        public string Node(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
            Node(opType, inputs, 1, attributes)[0];

        /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
        public string[] Node(string opType, IReadOnlyList<string> inputs, int outputs, params OnnxAttribute[] attributes)
        {
            foreach (string input in inputs)
            {
                if (input.Length > 0)
                {
                    Require(input);
                }
            }

            int index = _nodeCount++;
            string[] names = new string[outputs];
            for (int i = 0; i < outputs; i++)
            {
                names[i] = outputs == 1 ? $"{opType}_{index}" : $"{opType}_{index}_{i}";
                Declare(names[i]);
            }

            _graph.Node.Add(NodeProto(opType, inputs, names, attributes));
            return names;
        }

        /// <summary>The model as bytes, all weights inside.</summary>
        public byte[] ToBytes() => BuildModel().ToByteArray();

        /// <summary>
        /// Writes the model to <paramref name="path"/> atomically. With <paramref name="externalDataFileName"/>, the
        /// weights go to that file beside the model (ONNX external data, as large exports such as Stable Diffusion
        /// UNets store them); otherwise they are inside the model file.
        /// </summary>
        public void Save(string path, string? externalDataFileName = null)
        {
            string full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            ModelProto model = BuildModel();
            if (externalDataFileName != null)
            {
                if (externalDataFileName.IndexOfAny(new[] { '/', '\\' }) >= 0)
                {
                    throw new ArgumentException($"External data goes beside the model: pass a file name, not a path ('{externalDataFileName}').", nameof(externalDataFileName));
                }

                string dataPath = Path.Combine(Path.GetDirectoryName(full)!, externalDataFileName);
                AtomicFile.Write(dataPath, stream => MoveWeightsOut(model.Graph, externalDataFileName, stream));
            }

            AtomicFile.Write(full, stream => model.WriteTo(stream));
        }

        private ModelProto BuildModel()
        {
            var model = new ModelProto
            {
                IrVersion = 8,
                ProducerName = "LiveDiffusion",
                ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
                DocString = Description,
                Graph = _graph.Clone(),
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
            foreach (KeyValuePair<string, string> entry in Metadata)
            {
                model.MetadataProps.Add(new StringStringEntryProto { Key = entry.Key, Value = entry.Value });
            }

            return model;
        }

        private static void MoveWeightsOut(GraphProto graph, string location, Stream stream)
        {
            const int Alignment = 64;
            long offset = 0;
            foreach (TensorProto tensor in graph.Initializer)
            {
                if (tensor.RawData.Length < 1024)
                {
                    continue;
                }

                long padding = (Alignment - (offset % Alignment)) % Alignment;
                for (long i = 0; i < padding; i++)
                {
                    stream.WriteByte(0);
                }

                offset += padding;
                tensor.RawData.WriteTo(stream);
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(CultureInfo.InvariantCulture) });
                offset += tensor.RawData.Length;
                tensor.RawData = ByteString.Empty;
            }
        }

        private static NodeProto NodeProto(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, OnnxAttribute[] attributes)
        {
            var node = new NodeProto { OpType = opType };
            node.Input.AddRange(inputs);
            node.Output.AddRange(outputs);
            node.Name = node.Output[0];
            node.Attribute.AddRange(attributes.Select(a => a.Proto.Clone()));
            return node;
        }

        private static ValueInfoProto ValueInfo(string name, OnnxElementType type, OnnxDim[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (OnnxDim dim in dims)
            {
                shape.Dim.Add(dim.Symbol != null
                    ? new TensorShapeProto.Types.Dimension { DimParam = dim.Symbol }
                    : new TensorShapeProto.Types.Dimension { DimValue = dim.Size });
            }

            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
            };
        }

        private void Declare(string name)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A value needs a name.", nameof(name));
            }

            if (!_values.Add(name))
            {
                throw new ArgumentException($"The graph already has a value named '{name}'.", nameof(name));
            }
        }

        private void Require(string name)
        {
            if (!_values.Contains(name))
            {
                throw new ArgumentException($"No value named '{name}' exists yet: nodes must be added after the values they read.", nameof(name));
            }
        }
    }
}
