#nullable enable
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using LiveDiffusion.IO.Json;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// A safetensors file (8-byte little-endian header length, a JSON header, then raw little-endian data), read
    /// into memory once. Tensors come out as float32 whatever their stored type (F32, F16, BF16). Every failure names
    /// the file and what is wrong with it.
    /// </summary>
    public sealed class SafeTensorsFile
    {
        private const long MaxHeaderBytes = 100L * 1024 * 1024;
        private readonly byte[] _data;
        private readonly long _dataStart;
        private readonly Dictionary<string, SafeTensorInfo> _tensors;

        private SafeTensorsFile(string path, byte[] data, long dataStart, Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
        {
            Path = path;
            _data = data;
            _dataStart = dataStart;
            _tensors = tensors;
            Metadata = metadata;
        }

        /// <summary>Where the file was read from.</summary>
        public string Path { get; }

        /// <summary>The free-form <c>__metadata__</c> strings of the header.</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Every tensor in the file, in header order.</summary>
        public IEnumerable<SafeTensorInfo> Tensors => _tensors.Values;

        /// <summary>The tensor names, in header order.</summary>
        public IEnumerable<string> Names => _tensors.Keys;

        /// <summary>Whether the file holds a tensor called <paramref name="name"/>.</summary>
        public bool Contains(string name) => _tensors.ContainsKey(name);

        /// <summary>The header entry of <paramref name="name"/>.</summary>
        /// <exception cref="KeyNotFoundException">The file has no such tensor (the message names the file).</exception>
        public SafeTensorInfo Info(string name)
        {
            if (!_tensors.TryGetValue(name, out SafeTensorInfo? info))
            {
                throw new KeyNotFoundException($"{Path} has no tensor named '{name}' ({_tensors.Count} tensors in the file).");
            }

            return info;
        }

        /// <summary>Reads <paramref name="name"/> as float32 (converted from F16/BF16 when stored so).</summary>
        public float[] ReadFloat32(string name)
        {
            SafeTensorInfo info = Info(name);
            var result = new float[info.ElementCount];
            ReadFloat32(name, result);
            return result;
        }

        /// <summary>Reads <paramref name="name"/> as float32 into <paramref name="destination"/> (exactly its element count).</summary>
        public void ReadFloat32(string name, Span<float> destination)
        {
            SafeTensorInfo info = Info(name);
            if (destination.Length != info.ElementCount)
            {
                throw new ArgumentException($"{Path}: tensor '{name}' has {info.ElementCount} elements {info.ShapeString}, the destination {destination.Length}.", nameof(destination));
            }

            ReadOnlySpan<byte> bytes = new ReadOnlySpan<byte>(_data, checked((int)(_dataStart + info.Begin)), checked((int)(info.End - info.Begin)));
            switch (info.DType)
            {
                case SafeTensorDType.Float32:
                    if (BitConverter.IsLittleEndian)
                    {
                        MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                    }
                    else
                    {
                        for (int i = 0; i < destination.Length; i++)
                        {
                            destination[i] = FloatBits.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4)));
                        }
                    }

                    break;
                case SafeTensorDType.Float16:
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = FloatFormats.FromHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)));
                    }

                    break;
                case SafeTensorDType.BFloat16:
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = FloatFormats.FromBFloat16(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)));
                    }

                    break;
                case SafeTensorDType.Int64:
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(i * 8));
                    }

                    break;
                case SafeTensorDType.Int32:
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4));
                    }

                    break;
                default:
                    throw new InvalidDataException($"{Path}: tensor '{name}' has unsupported type {info.DType}.");
            }
        }

        /// <summary>Reads a safetensors file.</summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="InvalidDataException">The file is truncated or its header is malformed (the message says how).</exception>
        public static SafeTensorsFile Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Weights file not found: {path}", path);
            }

            return Parse(File.ReadAllBytes(path), path);
        }

        /// <summary>Parses safetensors bytes; <paramref name="origin"/> names them in errors.</summary>
        public static SafeTensorsFile Parse(byte[] data, string origin)
        {
            if (data.Length < 8)
            {
                throw new InvalidDataException($"{origin} is not a safetensors file: {data.Length} bytes, shorter than the 8-byte header length.");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(data);
            if (headerLength > MaxHeaderBytes || (long)headerLength > data.Length - 8)
            {
                throw new InvalidDataException($"{origin} is not a safetensors file or is truncated: the header claims {headerLength} bytes, the file has {data.Length - 8} after the length.");
            }

            long dataStart = 8 + (long)headerLength;
            long dataLength = data.Length - dataStart;
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            JsonNode? header;
            try
            {
                header = JsonText.Parse(Encoding.UTF8.GetString(data, 8, (int)headerLength));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException($"{origin}: the safetensors header is not valid JSON ({e.Message}).", e);
            }

            if (!(header is JsonObject root))
            {
                throw new InvalidDataException($"{origin}: the safetensors header is not a JSON object.");
            }

            foreach (KeyValuePair<string, JsonNode?> property in root)
            {
                if (property.Key == "__metadata__")
                {
                    if (!(property.Value is JsonObject entries))
                    {
                        throw new InvalidDataException($"{origin}: the safetensors __metadata__ is not a JSON object.");
                    }

                    foreach (KeyValuePair<string, JsonNode?> m in entries)
                    {
                        metadata[m.Key] = (string?)m.Value ?? m.Value?.ToJsonString() ?? "null";
                    }

                    continue;
                }

                tensors[property.Key] = ParseEntry(origin, property.Key, property.Value, dataLength);
            }

            return new SafeTensorsFile(origin, data, dataStart, tensors, metadata);
        }

        private static SafeTensorInfo ParseEntry(string origin, string name, JsonNode? entry, long dataLength)
        {
            if (!(entry is JsonObject fields) || !(fields["shape"] is JsonArray shapeArray) || !(fields["data_offsets"] is JsonArray offsetArray)
                || !(fields["dtype"] is JsonValue dtypeValue) || !dtypeValue.TryGetString(out string? dtypeName) || dtypeName == null)
            {
                throw new InvalidDataException($"{origin}: header entry '{name}' needs dtype (a string), shape and data_offsets (arrays).");
            }

            SafeTensorDType dtype = dtypeName switch
            {
                "F32" => SafeTensorDType.Float32,
                "F16" => SafeTensorDType.Float16,
                "BF16" => SafeTensorDType.BFloat16,
                "I64" => SafeTensorDType.Int64,
                "I32" => SafeTensorDType.Int32,
                _ => throw new InvalidDataException($"{origin}: tensor '{name}' has dtype '{dtypeName}'; supported: F32, F16, BF16, I64, I32."),
            };

            long[]? shape = NonNegativeIntegers(shapeArray);
            long[]? offsets = NonNegativeIntegers(offsetArray);
            if (shape == null || offsets == null || offsets.Length != 2 || offsets[1] < offsets[0] || shape.Length > 8)
            {
                throw new InvalidDataException($"{origin}: tensor '{name}' has malformed shape or data_offsets (non-negative integers; two offsets, start <= end; at most 8 dimensions).");
            }

            long limit = long.MaxValue / SafeTensorInfo.ElementSize(dtype);
            long elements = 1;
            foreach (long d in shape)
            {
                elements = d == 0 || elements == 0 ? 0 : elements > limit / d ? long.MaxValue : elements * d;
            }

            if (elements == long.MaxValue)
            {
                throw new InvalidDataException($"{origin}: tensor '{name}' has shape [{string.Join(", ", shape)}]: too many elements to address.");
            }

            string property = name;
            var info = new SafeTensorInfo(property, dtype, shape, offsets[0], offsets[1]);
            long expected = info.ElementCount * SafeTensorInfo.ElementSize(dtype);
            if (offsets[1] - offsets[0] != expected)
            {
                throw new InvalidDataException($"{origin}: tensor '{property}' {info.ShapeString} {dtypeName} needs {expected} bytes but its offsets span {offsets[1] - offsets[0]}.");
            }

            if (offsets[1] > dataLength)
            {
                throw new InvalidDataException($"{origin} is truncated: tensor '{property}' ends at byte {offsets[1]} of the data, which has {dataLength}.");
            }

            return info;
        }

        /// <summary>The array's values when every one is a whole number in [0, 2^53]; otherwise null.</summary>
        private static long[]? NonNegativeIntegers(JsonArray array)
        {
            var result = new long[array.Count];
            for (int i = 0; i < result.Length; i++)
            {
                if (!(array[i] is JsonValue v) || !v.TryGetNumber(out double d) || !(d >= 0 && d <= 9007199254740992d) || d != Math.Floor(d))
                {
                    return null;
                }

                result[i] = (long)d;
            }

            return result;
        }
    }
}
