#nullable enable
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using LiveDiffusion.IO.Json;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// Collects named float32 tensors and writes them as one safetensors file (F32, F16 or BF16 on disk), atomically.
    /// Tensors are written in the order they were added; names must be unique.
    /// </summary>
    public sealed class SafeTensorsWriter
    {
        private readonly List<(string Name, long[] Shape, float[] Data)> _tensors = new List<(string, long[], float[])>();
        private readonly HashSet<string> _names = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>String metadata stored under <c>__metadata__</c>.</summary>
        public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

        /// <summary>Number of tensors added so far.</summary>
        public int Count => _tensors.Count;

        /// <summary>Adds a tensor (the array is kept, not copied, until <see cref="Write"/>).</summary>
        public void Add(string name, IReadOnlyList<long> shape, float[] data)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
            {
                throw new ArgumentException($"'{name}' cannot name a tensor.", nameof(name));
            }

            long count = shape.Aggregate(1L, (a, b) => a * b);
            if (count != data.Length)
            {
                throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] has {count} elements, the data {data.Length}.", nameof(data));
            }

            if (!_names.Add(name))
            {
                throw new ArgumentException($"Tensor '{name}' was added twice.", nameof(name));
            }

            _tensors.Add((name, shape.ToArray(), data));
        }

        /// <summary>Writes every tensor to <paramref name="path"/> as <paramref name="dtype"/> (temporary file, flush, rename).</summary>
        public void Write(string path, SafeTensorDType dtype = SafeTensorDType.Float32)
        {
            AtomicFile.Write(path, stream => WriteTo(stream, dtype));
        }

        /// <summary>Writes the file's bytes to <paramref name="stream"/>.</summary>
        public void WriteTo(Stream stream, SafeTensorDType dtype = SafeTensorDType.Float32)
        {
            string dtypeName = dtype switch
            {
                SafeTensorDType.Float32 => "F32",
                SafeTensorDType.Float16 => "F16",
                SafeTensorDType.BFloat16 => "BF16",
                _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"Weights are written as F32, F16 or BF16, not {dtype}."),
            };
            int elementSize = SafeTensorInfo.ElementSize(dtype);

            var root = new JsonObject();
            if (Metadata.Count > 0)
            {
                var metadata = new JsonObject();
                foreach (KeyValuePair<string, string> pair in Metadata)
                {
                    metadata[pair.Key] = pair.Value;
                }

                root["__metadata__"] = metadata;
            }

            long offset = 0;
            foreach ((string name, long[] shape, float[] data) in _tensors)
            {
                long start = offset;
                offset += (long)data.Length * elementSize;
                root[name] = new JsonObject
                {
                    ["dtype"] = dtypeName,
                    ["shape"] = new JsonArray(shape.Select(d => (JsonNode?)d).ToArray()),
                    ["data_offsets"] = new JsonArray(start, offset),
                };
            }

            // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
            string text = root.ToJsonString();
            int length = Encoding.UTF8.GetByteCount(text);
            byte[] header = Encoding.UTF8.GetBytes(text.PadRight(text.Length + (((length + 7) / 8 * 8) - length)));

            var lengthBytes = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
            stream.Write(lengthBytes, 0, 8);
            stream.Write(header, 0, header.Length);

            var chunk = new byte[1 << 16];
            foreach ((_, _, float[] data) in _tensors)
            {
                int perChunk = chunk.Length / elementSize;
                for (int start = 0; start < data.Length; start += perChunk)
                {
                    int n = Math.Min(perChunk, data.Length - start);
                    Span<byte> span = chunk.AsSpan(0, n * elementSize);
                    for (int i = 0; i < n; i++)
                    {
                        float v = data[start + i];
                        switch (dtype)
                        {
                            case SafeTensorDType.Float32:
                                BinaryPrimitives.WriteInt32LittleEndian(span.Slice(i * 4), FloatBits.ToInt32(v));
                                break;
                            case SafeTensorDType.Float16:
                                BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(i * 2), FloatFormats.ToHalf(v));
                                break;
                            default:
                                BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(i * 2), FloatFormats.ToBFloat16(v));
                                break;
                        }
                    }

                    stream.Write(chunk, 0, n * elementSize);
                }
            }
        }
    }
}
