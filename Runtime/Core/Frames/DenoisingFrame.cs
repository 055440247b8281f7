#nullable enable
using System;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Frames
{
    /// <summary>
    /// A copy of one denoising step that outlives the step: what a <see cref="DenoisingFrameChannel"/> hands to its
    /// consumers (viewer, frame writers, web panel). It carries the step's numbers, the tensor shape (N, C, H, W) and
    /// copies of x_t and the predicted x0, NCHW float32, in buffers that are reused from frame to frame.
    /// </summary>
    /// <remarks>
    /// A frame is mutable only through the channel (or <see cref="CopyFrom"/>), and its buffers only grow: once a frame
    /// has held a shape, copying a frame of that shape or smaller allocates nothing. The layout is deliberately flat
    /// (scalars and two float arrays) so the same record can cross a process boundary as bytes; see
    /// <see cref="DenoisingFrameFormat"/>.
    /// </remarks>
    public sealed class DenoisingFrame
    {
        private float[] _latents = System.Array.Empty<float>();
        private float[] _predictedOriginal = System.Array.Empty<float>();

        /// <summary>Creates an empty frame (shape 0); use it as the destination of <see cref="DenoisingFrameChannel.TryReadLatest"/>.</summary>
        public DenoisingFrame()
        {
        }

        /// <summary>The channel's publish counter for this frame: 1 for the first frame, increasing by one per published frame; 0 for an empty frame.</summary>
        public long Sequence { get; internal set; }

        /// <summary>0-based index of the denoising step.</summary>
        public int Index { get; internal set; }

        /// <summary>Number of steps in the generation this frame belongs to.</summary>
        public int Count { get; internal set; }

        /// <summary>The timestep the model was evaluated at.</summary>
        public float Timestep { get; internal set; }

        /// <summary>Time from the start of the generation to the end of this step.</summary>
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>Time this step took (model call, guidance and scheduler).</summary>
        public TimeSpan StepTime { get; internal set; }

        /// <summary>Batch size (N): how many images are generated at once.</summary>
        public int Batch { get; private set; }

        /// <summary>Channels (C): 3 for our pixel-space models, 4 for Stable Diffusion latents.</summary>
        public int Channels { get; private set; }

        /// <summary>Height in elements (H).</summary>
        public int Height { get; private set; }

        /// <summary>Width in elements (W).</summary>
        public int Width { get; private set; }

        /// <summary>Elements in each of the two tensors, N*C*H*W (0 for an empty frame).</summary>
        public int Length => Batch * Channels * Height * Width;

        /// <summary>Elements in one channel plane, H*W.</summary>
        public int PlaneLength => Height * Width;

        /// <summary>x_t after this step (the noisy sample the scheduler carries on with), NCHW.</summary>
        public ReadOnlySpan<float> Latents => new ReadOnlySpan<float>(_latents, 0, Length);

        /// <summary>The model's estimate of the clean result (x0) at this step, NCHW: the frame worth showing.</summary>
        public ReadOnlySpan<float> PredictedOriginal => new ReadOnlySpan<float>(_predictedOriginal, 0, Length);

        /// <summary>True for the last step of its generation (<see cref="Index"/> is <see cref="Count"/> - 1).</summary>
        public bool IsFinalStep => Count > 0 && Index == Count - 1;

        /// <summary>The shape as "[N, C, H, W]".</summary>
        public string ShapeString => $"[{Batch}, {Channels}, {Height}, {Width}]";

        /// <summary>Copies every field and both tensors of <paramref name="source"/> into this frame (growing its buffers if needed).</summary>
        /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
        public void CopyFrom(DenoisingFrame source)
        {
            if (source == null)
            {
                throw new ArgumentNullException(nameof(source));
            }

            SetShape(source.Batch, source.Channels, source.Height, source.Width);
            source.Latents.CopyTo(_latents);
            source.PredictedOriginal.CopyTo(_predictedOriginal);
            Sequence = source.Sequence;
            Index = source.Index;
            Count = source.Count;
            Timestep = source.Timestep;
            Elapsed = source.Elapsed;
            StepTime = source.StepTime;
        }

        /// <inheritdoc />
        public override string ToString() => $"DenoisingFrame #{Sequence}: step {Index + 1}/{Count}, t={Timestep}, {ShapeString}";

        /// <summary>Sets the shape, growing the buffers when they are too small (the only allocation a frame ever makes).</summary>
        internal void SetShape(int batch, int channels, int height, int width)
        {
            if (!TryElementCount(batch, channels, height, width, int.MaxValue, out long length))
            {
                throw new ArgumentOutOfRangeException(nameof(batch), $"Frame shape [{batch}, {channels}, {height}, {width}] is negative or has more than {int.MaxValue} elements.");
            }

            if (_latents.Length < length)
            {
                _latents = new float[length];
                _predictedOriginal = new float[length];
            }

            Batch = batch;
            Channels = channels;
            Height = height;
            Width = width;
        }

        /// <summary>
        /// The element count of a shape when every dimension is 0 or more and the product is at most
        /// <paramref name="max"/> (computed without overflow, so four large dimensions cannot wrap to a small product).
        /// </summary>
        internal static bool TryElementCount(int batch, int channels, int height, int width, long max, out long count)
        {
            count = 0;
            if (batch < 0 || channels < 0 || height < 0 || width < 0)
            {
                return false;
            }

            if (batch == 0 || channels == 0 || height == 0 || width == 0)
            {
                return true;
            }

            // Each partial product is at most max (a long), so the next multiplication cannot overflow.
            long product = batch;
            if (product > max || (product *= channels) > max || (product *= height) > max || (product *= width) > max)
            {
                return false;
            }

            count = product;
            return true;
        }

        /// <summary>Writable x_t storage for the current shape (channel and file readers fill it).</summary>
        internal Span<float> WritableLatents => new Span<float>(_latents, 0, Length);

        /// <summary>Writable x0 storage for the current shape.</summary>
        internal Span<float> WritablePredictedOriginal => new Span<float>(_predictedOriginal, 0, Length);
    }
}
