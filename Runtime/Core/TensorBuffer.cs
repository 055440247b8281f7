#nullable enable
using System;

namespace LiveDiffusion
{
    /// <summary>
    /// A dense float32 tensor in NCHW order (batch, channels, height, width): the latents, noise and images
    /// that move between schedulers, models and previews. The storage is one contiguous array, allocated once;
    /// hot code works on <see cref="Span"/> and never reallocates it.
    /// </summary>
    public sealed class TensorBuffer
    {
        private readonly float[] _data;

        /// <summary>Allocates a zero-filled tensor of the given shape.</summary>
        /// <exception cref="ArgumentOutOfRangeException">A dimension is zero or negative, or the element count overflows.</exception>
        public TensorBuffer(int batch, int channels, int height, int width)
            : this(batch, channels, height, width, null)
        {
        }

        /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
        /// <exception cref="ArgumentException"><paramref name="data"/> does not hold exactly batch*channels*height*width elements.</exception>
        public TensorBuffer(int batch, int channels, int height, int width, float[]? data)
        {
            CheckDimension(batch, nameof(batch));
            CheckDimension(channels, nameof(channels));
            CheckDimension(height, nameof(height));
            CheckDimension(width, nameof(width));
            long length = (long)batch * channels * height * width;
            if (length > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), $"A tensor of shape [{batch}, {channels}, {height}, {width}] has more than {int.MaxValue} elements.");
            }

            if (data != null && data.Length != length)
            {
                throw new ArgumentException(
                    $"The array holds {data.Length} floats but shape [{batch}, {channels}, {height}, {width}] needs {length}.", nameof(data));
            }

            Batch = batch;
            Channels = channels;
            Height = height;
            Width = width;
            _data = data ?? new float[length];
        }

        /// <summary>Number of items in the batch (N).</summary>
        public int Batch { get; }

        /// <summary>Number of channels (C): 4 for SD latents, 3 for RGB pixels.</summary>
        public int Channels { get; }

        /// <summary>Height in elements (H).</summary>
        public int Height { get; }

        /// <summary>Width in elements (W).</summary>
        public int Width { get; }

        /// <summary>Total number of elements, N*C*H*W.</summary>
        public int Length => _data.Length;

        /// <summary>Elements in one batch item, C*H*W.</summary>
        public int ItemLength => Channels * Height * Width;

        /// <summary>Elements in one channel plane, H*W.</summary>
        public int PlaneLength => Height * Width;

        /// <summary>The backing array (the same array every time). Exposed for interop with native APIs.</summary>
        public float[] Array => _data;

        /// <summary>All elements as a span, NCHW order.</summary>
        public Span<float> Span => _data;

        /// <summary>The elements of batch item <paramref name="index"/> (C*H*W floats).</summary>
        public Span<float> Item(int index)
        {
            if ((uint)index >= (uint)Batch)
            {
                throw new ArgumentOutOfRangeException(nameof(index), $"Batch index {index} is outside [0, {Batch}).");
            }

            return _data.AsSpan(index * ItemLength, ItemLength);
        }

        /// <summary>The plane of channel <paramref name="channel"/> of batch item <paramref name="item"/> (H*W floats).</summary>
        public Span<float> Plane(int item, int channel)
        {
            if ((uint)item >= (uint)Batch)
            {
                throw new ArgumentOutOfRangeException(nameof(item), $"Batch index {item} is outside [0, {Batch}).");
            }

            if ((uint)channel >= (uint)Channels)
            {
                throw new ArgumentOutOfRangeException(nameof(channel), $"Channel {channel} is outside [0, {Channels}).");
            }

            return _data.AsSpan((item * Channels + channel) * PlaneLength, PlaneLength);
        }

        /// <summary>True when <paramref name="other"/> has the same N, C, H and W.</summary>
        public bool HasShapeOf(TensorBuffer other) =>
            other.Batch == Batch && other.Channels == Channels && other.Height == Height && other.Width == Width;

        /// <summary>Throws when <paramref name="other"/> differs in shape, naming both arguments and both shapes.</summary>
        /// <exception cref="ArgumentException">The shapes differ.</exception>
        public void RequireShapeOf(TensorBuffer other, string otherName, string thisName)
        {
            if (!HasShapeOf(other))
            {
                throw new ArgumentException($"{otherName} has shape {other.ShapeString} but {thisName} has shape {ShapeString}; they must match.", otherName);
            }
        }

        /// <summary>The shape as "[N, C, H, W]".</summary>
        public string ShapeString => $"[{Batch}, {Channels}, {Height}, {Width}]";

        /// <summary>A new tensor of the same shape, zero-filled.</summary>
        public TensorBuffer CreateLike() => new TensorBuffer(Batch, Channels, Height, Width);

        /// <summary>A deep copy.</summary>
        public TensorBuffer Clone() => new TensorBuffer(Batch, Channels, Height, Width, (float[])_data.Clone());

        /// <summary>Copies every element into <paramref name="destination"/>, which must have the same shape.</summary>
        public void CopyTo(TensorBuffer destination)
        {
            destination.RequireShapeOf(this, "source", nameof(destination));
            _data.AsSpan().CopyTo(destination._data);
        }

        /// <inheritdoc />
        public override string ToString() => "TensorBuffer" + ShapeString;

        private static void CheckDimension(int value, string name)
        {
            if (value <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"Tensor dimension '{name}' must be positive.");
            }
        }
    }
}
