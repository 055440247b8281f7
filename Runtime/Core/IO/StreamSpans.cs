#nullable enable
using System;
using System.Buffers;
using System.IO;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// Span reads and writes on any <see cref="Stream"/>: the span overloads of .NET Standard 2.1 where they exist, and
    /// a pooled array copy at Unity's .NET Framework API level, whose Stream has only the array overloads.
    /// </summary>
    internal static class StreamSpans
    {
        /// <summary>Writes all of <paramref name="bytes"/>.</summary>
        public static void Write(Stream stream, ReadOnlySpan<byte> bytes)
        {
#if NETSTANDARD2_1 || NETCOREAPP2_1_OR_GREATER
            stream.Write(bytes);
#else
            byte[] array = ArrayPool<byte>.Shared.Rent(Math.Min(bytes.Length, 1 << 16));
            try
            {
                for (int at = 0; at < bytes.Length; at += array.Length)
                {
                    int count = Math.Min(array.Length, bytes.Length - at);
                    bytes.Slice(at, count).CopyTo(array);
                    stream.Write(array, 0, count);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(array);
            }
#endif
        }

        /// <summary>Reads up to <paramref name="buffer"/>'s length; returns how many bytes were read (0 at the end of the stream).</summary>
        public static int Read(Stream stream, Span<byte> buffer)
        {
#if NETSTANDARD2_1 || NETCOREAPP2_1_OR_GREATER
            return stream.Read(buffer);
#else
            byte[] array = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length, 1 << 16));
            try
            {
                int read = stream.Read(array, 0, Math.Min(array.Length, buffer.Length));
                array.AsSpan(0, read).CopyTo(buffer);
                return read;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(array);
            }
#endif
        }
    }
}
