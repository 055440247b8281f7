#nullable enable
using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using LiveDiffusion.IO;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Frames
{
    /// <summary>
    /// The byte form of a <see cref="DenoisingFrame"/>: how a run folder keeps every step (<c>frames.ldframes</c>,
    /// replayed by <c>livediffusion view</c>) and how frames would cross to a viewer in another process.
    /// </summary>
    /// <remarks>
    /// <para>A stream is a plain sequence of records, each:</para>
    /// <code>
    /// offset size  field (little-endian)
    ///      0    4  magic "LDFR"
    ///      4    2  format version (1)
    ///      6    2  header size in bytes (64): readers skip fields they do not know
    ///      8    8  sequence (int64)
    ///     16    4  step index (int32), 0-based
    ///     20    4  step count (int32)
    ///     24    4  timestep (float32)
    ///     28    4  reserved (0)
    ///     32    8  elapsed since the generation started, 100 ns ticks (int64)
    ///     40    8  time of this step, 100 ns ticks (int64)
    ///     48   16  N, C, H, W (4 x int32)
    ///     64    L  x_t, N*C*H*W float32, NCHW
    ///   64+L    L  predicted x0, N*C*H*W float32, NCHW
    /// </code>
    /// <para>
    /// Out of process: a producer that keeps a <see cref="DenoisingFrameChannel"/> can forward each frame it leases
    /// as one record down a pipe or socket (the record is self-delimiting), or into a shared-memory ring of
    /// fixed-size slots whose sequence field is written last; the viewer side reads records into its own
    /// <see cref="DenoisingFrame"/> with <see cref="TryRead"/> and publishes them to a local channel, so the renderer
    /// is the same in both cases.
    /// </para>
    /// </remarks>
    public static class DenoisingFrameFormat
    {
        /// <summary>Size of the fixed header in bytes.</summary>
        public const int HeaderSize = 64;

        /// <summary>The format version this code writes and reads.</summary>
        public const ushort Version = 1;

        /// <summary>The conventional file name of a run's frames.</summary>
        public const string FileName = "frames.ldframes";

        /// <summary>The most elements a record's tensors may have (256 Mi: 1 GiB each as float32); larger shapes are refused unread.</summary>
        public const long MaxElements = 1L << 28;

        private static readonly byte[] Magic = { (byte)'L', (byte)'D', (byte)'F', (byte)'R' };

        /// <summary>Bytes of the record of a frame of <paramref name="frame"/>'s shape.</summary>
        public static long RecordSize(DenoisingFrame frame) => HeaderSize + (2L * frame.Length * sizeof(float));

        /// <summary>Writes <paramref name="frame"/> as one record to <paramref name="stream"/>.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public static void Write(Stream stream, DenoisingFrame frame)
        {
            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            Span<byte> header = stackalloc byte[HeaderSize];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(4), Version);
            BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(6), HeaderSize);
            BinaryPrimitives.WriteInt64LittleEndian(header.Slice(8), frame.Sequence);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(16), frame.Index);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(20), frame.Count);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(24), FloatBits.ToInt32(frame.Timestep));
            BinaryPrimitives.WriteInt64LittleEndian(header.Slice(32), frame.Elapsed.Ticks);
            BinaryPrimitives.WriteInt64LittleEndian(header.Slice(40), frame.StepTime.Ticks);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(48), frame.Batch);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(52), frame.Channels);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(56), frame.Height);
            BinaryPrimitives.WriteInt32LittleEndian(header.Slice(60), frame.Width);
            StreamSpans.Write(stream, header);
            WriteFloats(stream, frame.Latents);
            WriteFloats(stream, frame.PredictedOriginal);
        }

        /// <summary>
        /// Reads the next record of <paramref name="stream"/> into <paramref name="destination"/> (reusing its buffers).
        /// </summary>
        /// <returns>True when a frame was read; false at the end of the stream (before any byte of a record).</returns>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="InvalidDataException">
        /// The bytes are not a frame record (wrong magic), come from a newer format version, have an impossible
        /// shape, or the stream ends inside a record; the message says which and at what offset.
        /// </exception>
        public static bool TryRead(Stream stream, DenoisingFrame destination)
        {
            if (stream == null)
            {
                throw new ArgumentNullException(nameof(stream));
            }

            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination));
            }

            long start = stream.CanSeek ? stream.Position : -1;
            Span<byte> header = stackalloc byte[HeaderSize];
            int got = ReadFully(stream, header.Slice(0, 8));
            if (got == 0)
            {
                return false;
            }

            string where = start >= 0 ? $" at byte {start}" : string.Empty;
            if (got < 8 || !header.Slice(0, 4).SequenceEqual(Magic))
            {
                throw new InvalidDataException($"Not a LiveDiffusion frame record{where}: expected the magic \"LDFR\" ({FileName} files hold only frame records).");
            }

            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(4));
            int headerSize = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(6));
            if (version > Version || headerSize < HeaderSize)
            {
                throw new InvalidDataException($"Frame record{where} has format version {version} with a {headerSize}-byte header; this build reads version {Version} ({HeaderSize} bytes). Update LiveDiffusion.");
            }

            if (ReadFully(stream, header.Slice(8)) < HeaderSize - 8)
            {
                throw new InvalidDataException($"The frame stream ends inside a record header{where} (the writer was stopped mid-record).");
            }

            for (int skip = headerSize - HeaderSize; skip > 0; skip--)
            {
                if (stream.ReadByte() < 0)
                {
                    throw new InvalidDataException($"The frame stream ends inside a record header{where}.");
                }
            }

            int n = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(48));
            int c = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(52));
            int h = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(56));
            int w = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(60));
            if (!DenoisingFrame.TryElementCount(n, c, h, w, MaxElements, out long length))
            {
                throw new InvalidDataException($"Frame record{where} has an impossible shape [{n}, {c}, {h}, {w}] (at most {MaxElements} elements).");
            }

            // Nothing is allocated for tensors the stream cannot hold (a damaged or hostile header).
            if (stream.CanSeek && stream.Length - stream.Position < 2 * length * sizeof(float))
            {
                throw new InvalidDataException($"The frame stream ends inside the tensors of the record{where}: its shape [{n}, {c}, {h}, {w}] needs {2 * length * sizeof(float)} bytes, {stream.Length - stream.Position} are left.");
            }

            destination.SetShape(n, c, h, w);
            if (!ReadFloats(stream, destination.WritableLatents) || !ReadFloats(stream, destination.WritablePredictedOriginal))
            {
                throw new InvalidDataException($"The frame stream ends inside the tensors of the record{where} (the writer was stopped mid-record).");
            }

            destination.Sequence = BinaryPrimitives.ReadInt64LittleEndian(header.Slice(8));
            destination.Index = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(16));
            destination.Count = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(20));
            destination.Timestep = FloatBits.FromInt32(BinaryPrimitives.ReadInt32LittleEndian(header.Slice(24)));
            destination.Elapsed = TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(header.Slice(32)));
            destination.StepTime = TimeSpan.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(header.Slice(40)));
            return true;
        }

        private static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
        {
            if (BitConverter.IsLittleEndian)
            {
                StreamSpans.Write(stream, MemoryMarshal.AsBytes(values));
                return;
            }

            Span<byte> four = stackalloc byte[4];
            foreach (float v in values)
            {
                BinaryPrimitives.WriteInt32LittleEndian(four, FloatBits.ToInt32(v));
                StreamSpans.Write(stream, four);
            }
        }

        private static bool ReadFloats(Stream stream, Span<float> values)
        {
            Span<byte> bytes = MemoryMarshal.AsBytes(values);
            if (ReadFully(stream, bytes) < bytes.Length)
            {
                return false;
            }

            if (!BitConverter.IsLittleEndian)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = FloatBits.FromInt32(BinaryPrimitives.ReverseEndianness(FloatBits.ToInt32(values[i])));
                }
            }

            return true;
        }

        private static int ReadFully(Stream stream, Span<byte> buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int read = StreamSpans.Read(stream, buffer.Slice(total));
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }
    }
}
