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
    /// A safetensors file (8-byte little-endian header length, a JSON header, then raw little-endian data): the header
    /// is read and checked up front (its size bounded, every offset in range, no two tensors sharing bytes, known
    /// dtypes), the tensors by offset when asked for. Tensors come out as float32 whatever their stored type (F32, F16, BF16). Every failure names
    /// the file and what is wrong with it.
    /// </summary>
    public sealed class SafeTensorsFile
    {
        /// <summary>The largest header accepted (the format's own reference reader's limit), in bytes.</summary>
        public const long MaxHeaderBytes = 100L * 1024 * 1024;

        private readonly byte[]? _data;
        private readonly long _length;
        private readonly long _dataStart;
        private readonly Dictionary<string, SafeTensorInfo> _tensors;

        private SafeTensorsFile(string path, byte[]? data, long length, long dataStart, Dictionary<string, SafeTensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
        {
            Path = path;
            _data = data;
            _length = length;
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

            if (info.DType == SafeTensorDType.Float32 && BitConverter.IsLittleEndian)
            {
                ReadBytes(info, MemoryMarshal.AsBytes(destination));
                return;
            }

            var buffer = new byte[checked((int)(info.End - info.Begin))];
            ReadBytes(info, buffer);
            ReadOnlySpan<byte> bytes = buffer;
            switch (info.DType)
            {
                case SafeTensorDType.Float32: // big-endian machines only: little-endian ones read straight into the destination
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = FloatBits.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4)));
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

        /// <summary>
        /// Opens a safetensors file: reads and checks its header only; each tensor is read from its offset when asked
        /// for, so files of any size (over 2 GiB too) open in the header's time and memory.
        /// </summary>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        /// <exception cref="InvalidDataException">The file is truncated or its header is malformed (the message says how).</exception>
        public static SafeTensorsFile Read(string path)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Weights file not found: {path}", path);
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var lengthBytes = new byte[8];
            int got = ReadFully(stream, lengthBytes);
            long headerLength = HeaderLength(lengthBytes.AsSpan(0, got), stream.Length, path);
            var header = new byte[headerLength];
            if (ReadFully(stream, header) < header.Length)
            {
                throw new InvalidDataException($"{path} is truncated inside its header.");
            }

            return FromHeader(path, null, stream.Length, header);
        }

        /// <summary>Parses safetensors bytes; <paramref name="origin"/> names them in errors.</summary>
        /// <exception cref="InvalidDataException">The bytes are truncated or the header is malformed (the message says how).</exception>
        public static SafeTensorsFile Parse(byte[] data, string origin)
        {
            long headerLength = HeaderLength(data.AsSpan(0, Math.Min(8, data.Length)), data.Length, origin);
            return FromHeader(origin, data, data.Length, data.AsSpan(8, (int)headerLength).ToArray());
        }

        /// <summary>The header length the first 8 bytes give, checked against the limit and the file's length.</summary>
        private static long HeaderLength(ReadOnlySpan<byte> first8, long fileLength, string origin)
        {
            if (first8.Length < 8)
            {
                throw new InvalidDataException($"{origin} is not a safetensors file: {fileLength} bytes, shorter than the 8-byte header length.");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(first8);
            if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            {
                throw new InvalidDataException($"{origin} is not a safetensors file or is truncated: the header claims {headerLength} bytes, the file has {fileLength - 8} after the length (at most {MaxHeaderBytes} accepted).");
            }

            return (long)headerLength;
        }

        private static SafeTensorsFile FromHeader(string origin, byte[]? data, long length, byte[] headerBytes)
        {
            long dataStart = 8 + headerBytes.Length;
            long dataLength = length - dataStart;
            var tensors = new Dictionary<string, SafeTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            JsonNode? header;
            try
            {
                header = JsonText.Parse(Encoding.UTF8.GetString(headerBytes));
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

            CheckNoOverlap(origin, tensors.Values);
            return new SafeTensorsFile(origin, data, length, dataStart, tensors, metadata);
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

        /// <summary>Two tensors may not share bytes (the format's reference reader refuses it too).</summary>
        private static void CheckNoOverlap(string origin, IEnumerable<SafeTensorInfo> tensors)
        {
            SafeTensorInfo? previous = null;
            foreach (SafeTensorInfo info in tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin))
            {
                if (previous != null && info.Begin < previous.End)
                {
                    throw new InvalidDataException($"{origin}: tensors '{previous.Name}' (bytes {previous.Begin}..{previous.End}) and '{info.Name}' (bytes {info.Begin}..{info.End}) overlap.");
                }

                previous = info;
            }
        }

        /// <summary>Reads the tensor's bytes into <paramref name="destination"/> (exactly their length): from memory, or from the file at its offset.</summary>
        private void ReadBytes(SafeTensorInfo info, Span<byte> destination)
        {
            if (_data != null)
            {
                new ReadOnlySpan<byte>(_data, checked((int)(_dataStart + info.Begin)), destination.Length).CopyTo(destination);
                return;
            }

            using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (stream.Length != _length)
            {
                throw new InvalidDataException($"{Path} changed since it was opened ({_length} bytes then, {stream.Length} now).");
            }

            stream.Seek(_dataStart + info.Begin, SeekOrigin.Begin);
            var chunk = new byte[Math.Min(destination.Length, 1 << 20)];
            for (int at = 0; at < destination.Length;)
            {
                int read = stream.Read(chunk, 0, Math.Min(chunk.Length, destination.Length - at));
                if (read == 0)
                {
                    throw new InvalidDataException($"{Path} ends inside tensor '{info.Name}'.");
                }

                chunk.AsSpan(0, read).CopyTo(destination.Slice(at));
                at += read;
            }
        }

        private static int ReadFully(Stream stream, byte[] buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer, total, buffer.Length - total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
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
