#nullable enable
using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Frames
{
    /// <summary>
    /// Carries denoising steps from the denoise loop to any number of consumers (a GL viewer, a PNG frame writer, a
    /// web panel, a test) without ever slowing the loop down: the newest frame wins.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>Publisher</b> (one thread, the denoise loop): pass <see cref="Publish(DenoisingStep)"/> as the pipeline's
    /// <c>onStep</c> callback. Each call copies x_t and x0 into a free slot of a small ring and makes it the newest
    /// frame. It never waits for a consumer and, once every slot has held the generation's shape, allocates nothing:
    /// the cost is two memory copies of the latents. If every slot other than the newest is leased by consumers,
    /// the step is not stored and <see cref="Dropped"/> counts it.
    /// </para>
    /// <para>
    /// <b>Consumers</b> (any threads, each remembering the last <see cref="DenoisingFrame.Sequence"/> it saw): wait
    /// with <see cref="WaitForFrame"/> or <see cref="WaitForFrameAsync"/>, then either copy the newest frame into a
    /// frame of their own with <see cref="TryReadLatest"/>, or borrow it without a copy with <see cref="TryLease"/>
    /// and dispose the lease when done. Consumers that want every step in order (recorders) borrow with
    /// <see cref="TryLeaseNext"/>, which reaches back into the ring. A consumer that is slower than the loop sees fewer frames, never stale ones;
    /// frames that were replaced before anyone leased them are counted in <see cref="Overwritten"/>.
    /// </para>
    /// <para>
    /// <b>Capacity</b>: the number of slots. The newest frame takes one and the publisher writes into another, so with
    /// capacity <c>k + 2</c>, <c>k</c> consumers can each hold one lease and no step is ever dropped. The default,
    /// 4, serves two consumers holding leases at once. Consumers that only use <see cref="TryReadLatest"/> hold a
    /// slot just for the copy.
    /// </para>
    /// <para>
    /// After <see cref="Complete"/> the last frame stays readable and waits return false once a consumer has seen it.
    /// </para>
    /// </remarks>
    public sealed class DenoisingFrameChannel : IDisposable
    {
        /// <summary>The default number of slots.</summary>
        public const int DefaultCapacity = 4;

        // Slot states: Writing (-1) while the publisher copies into it, else the number of leases held on it.
        private const int Writing = -1;

        private readonly DenoisingFrame[] _frames;
        private readonly int[] _states;
        // Per slot: 1 once a consumer leased the frame it holds now; reset when the publisher refills the slot.
        private readonly int[] _seen;
        private readonly ManualResetEventSlim _signal = new ManualResetEventSlim(false);
        private int _latest = -1;
        private int _next;
        private long _sequence;
        private long _dropped;
        private long _overwritten;
        private volatile bool _completed;

        /// <summary>Creates a channel with <paramref name="capacity"/> slots (see the remarks on capacity).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 2.</exception>
        public DenoisingFrameChannel(int capacity = DefaultCapacity)
        {
            if (capacity < 2)
            {
                throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                    "A frame channel needs at least 2 slots (the newest frame and one to write the next into); use 2 + the number of consumers that hold leases at once.");
            }

            _frames = new DenoisingFrame[capacity];
            _states = new int[capacity];
            _seen = new int[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _frames[i] = new DenoisingFrame();
            }
        }

        /// <summary>Number of slots.</summary>
        public int Capacity => _frames.Length;

        /// <summary>Frames stored so far; equal to the sequence number of the newest frame (0 before the first).</summary>
        public long Published => Interlocked.Read(ref _sequence);

        /// <summary>Steps that were not stored because every other slot was leased (a consumer holds leases too long, or capacity is too small).</summary>
        public long Dropped => Interlocked.Read(ref _dropped);

        /// <summary>Frames that stopped being the newest before any consumer leased or read them (a consumer slower than the loop, or none).</summary>
        public long Overwritten => Interlocked.Read(ref _overwritten);

        /// <summary>Sequence number of the newest frame (0 before the first); a consumer that has seen it has nothing new to read.</summary>
        public long LatestSequence => Published;

        /// <summary>True after <see cref="Complete"/>.</summary>
        public bool IsCompleted => _completed;

        /// <summary>
        /// Publishes a pipeline step: copies its x_t and x0 into the ring and makes it the newest frame. Use this method
        /// as the pipeline's <c>onStep</c> callback. Never blocks; allocates only while slots grow to a new shape.
        /// </summary>
        /// <remarks>
        /// A step that finds every other slot leased is not stored and is counted in <see cref="Dropped"/>.
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="step"/> is null.</exception>
        /// <exception cref="InvalidOperationException">The channel was completed.</exception>
        public void Publish(DenoisingStep step)
        {
            if (step == null)
            {
                throw new ArgumentNullException(nameof(step));
            }

            Publish(step.Index, step.Count, step.Timestep, step.Elapsed, step.StepTime, step.Latents, step.PredictedOriginal);
        }

        /// <summary>
        /// Publishes a step from a hand-written denoising loop: copies <paramref name="latents"/> (x_t) and
        /// <paramref name="predictedOriginal"/> (x0) into the ring and makes them the newest frame. Never blocks.
        /// </summary>
        /// <returns>True when stored; false when every other slot was leased (counted in <see cref="Dropped"/>).</returns>
        /// <exception cref="ArgumentNullException">A tensor is null.</exception>
        /// <exception cref="ArgumentException">The two tensors differ in shape.</exception>
        /// <exception cref="InvalidOperationException">The channel was completed.</exception>
        public bool Publish(int index, int count, float timestep, TimeSpan elapsed, TimeSpan stepTime, TensorBuffer latents, TensorBuffer predictedOriginal)
        {
            if (latents == null)
            {
                throw new ArgumentNullException(nameof(latents));
            }

            if (predictedOriginal == null)
            {
                throw new ArgumentNullException(nameof(predictedOriginal));
            }

            if (!latents.HasShapeOf(predictedOriginal))
            {
                predictedOriginal.RequireShapeOf(latents, nameof(predictedOriginal), nameof(latents));
            }

            return PublishCore(index, count, timestep, elapsed, stepTime, latents.Span, predictedOriginal.Span, latents.Batch, latents.Channels, latents.Height, latents.Width);
        }

        /// <summary>
        /// Publishes a copy of <paramref name="frame"/> (for example one read from a frame file or another process with
        /// <see cref="DenoisingFrameFormat.TryRead"/>) under a new sequence number of this channel. Never blocks.
        /// </summary>
        /// <returns>True when stored; false when every other slot was leased (counted in <see cref="Dropped"/>).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
        /// <exception cref="InvalidOperationException">The channel was completed.</exception>
        public bool Publish(DenoisingFrame frame)
        {
            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            return PublishCore(frame.Index, frame.Count, frame.Timestep, frame.Elapsed, frame.StepTime, frame.Latents, frame.PredictedOriginal, frame.Batch, frame.Channels, frame.Height, frame.Width);
        }

        private bool PublishCore(int index, int count, float timestep, TimeSpan elapsed, TimeSpan stepTime, ReadOnlySpan<float> latents, ReadOnlySpan<float> predictedOriginal,
                                 int batch, int channels, int height, int width)
        {
            if (_completed)
            {
                throw new InvalidOperationException("This frame channel was completed; publish the next generation into a new channel.");
            }

            int slot = ClaimSlot();
            if (slot < 0)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            DenoisingFrame frame = _frames[slot];
            frame.SetShape(batch, channels, height, width);
            latents.CopyTo(frame.WritableLatents);
            predictedOriginal.CopyTo(frame.WritablePredictedOriginal);
            frame.Index = index;
            frame.Count = count;
            frame.Timestep = timestep;
            frame.Elapsed = elapsed;
            frame.StepTime = stepTime;
            frame.Sequence = _sequence + 1;
            Volatile.Write(ref _seen[slot], 0);
            Volatile.Write(ref _states[slot], 0);

            int previous = Interlocked.Exchange(ref _latest, slot);
            Interlocked.Increment(ref _sequence);
            if (previous >= 0 && Interlocked.CompareExchange(ref _seen[previous], 1, 0) == 0)
            {
                Interlocked.Increment(ref _overwritten);
            }

            _signal.Set();
            return true;
        }

        /// <summary>
        /// Borrows the newest frame, without copying, if it is newer than <paramref name="afterSequence"/>. The frame
        /// stays unchanged until the lease is disposed; dispose it exactly once, soon (a held lease keeps a slot from
        /// the publisher).
        /// </summary>
        /// <returns>True with a lease on the newest frame; false when there is none newer than <paramref name="afterSequence"/>.</returns>
        public bool TryLease(long afterSequence, out DenoisingFrameLease lease)
        {
            while (true)
            {
                int slot = Volatile.Read(ref _latest);
                if (slot < 0)
                {
                    lease = default;
                    return false;
                }

                int state = Volatile.Read(ref _states[slot]);
                if (state == Writing || Interlocked.CompareExchange(ref _states[slot], state + 1, state) != state)
                {
                    // The publisher refilled this slot after we read _latest (or another consumer raced us): look again.
                    continue;
                }

                DenoisingFrame frame = _frames[slot];
                if (frame.Sequence <= afterSequence)
                {
                    Interlocked.Decrement(ref _states[slot]);
                    lease = default;
                    return false;
                }

                Volatile.Write(ref _seen[slot], 1);
                lease = new DenoisingFrameLease(this, slot, frame);
                return true;
            }
        }

        /// <summary>
        /// Borrows the oldest frame still in the ring that is newer than <paramref name="afterSequence"/>: for consumers
        /// that want every step in order (a recorder, a PNG writer) rather than the newest one. The ring keeps the
        /// last <c>capacity - 1</c> frames, less those being written, so such a consumer misses nothing unless it falls
        /// that far behind; the lease's sequence number tells how many it skipped. Dispose the lease exactly once.
        /// </summary>
        /// <returns>True with a lease; false when no frame newer than <paramref name="afterSequence"/> is held.</returns>
        public bool TryLeaseNext(long afterSequence, out DenoisingFrameLease lease)
        {
            while (true)
            {
                int best = -1;
                long bestSequence = long.MaxValue;
                for (int i = 0; i < _frames.Length; i++)
                {
                    if (Volatile.Read(ref _states[i]) == Writing)
                    {
                        continue;
                    }

                    long sequence = _frames[i].Sequence;
                    if (sequence > afterSequence && sequence < bestSequence)
                    {
                        best = i;
                        bestSequence = sequence;
                    }
                }

                if (best < 0)
                {
                    lease = default;
                    return false;
                }

                int state = Volatile.Read(ref _states[best]);
                if (state == Writing || Interlocked.CompareExchange(ref _states[best], state + 1, state) != state)
                {
                    continue;
                }

                if (_frames[best].Sequence != bestSequence)
                {
                    // Refilled between the scan and the lease: scan again.
                    Interlocked.Decrement(ref _states[best]);
                    continue;
                }

                Volatile.Write(ref _seen[best], 1);
                lease = new DenoisingFrameLease(this, best, _frames[best]);
                return true;
            }
        }

        /// <summary>
        /// Copies the newest frame into <paramref name="destination"/> if it is newer than <paramref name="afterSequence"/>.
        /// Allocates nothing once <paramref name="destination"/> has held the shape.
        /// </summary>
        /// <returns>True when <paramref name="destination"/> now holds a newer frame; false when there was none (it is unchanged).</returns>
        /// <exception cref="ArgumentNullException"><paramref name="destination"/> is null.</exception>
        public bool TryReadLatest(long afterSequence, DenoisingFrame destination)
        {
            if (destination == null)
            {
                throw new ArgumentNullException(nameof(destination));
            }

            if (!TryLease(afterSequence, out DenoisingFrameLease lease))
            {
                return false;
            }

            using (lease)
            {
                destination.CopyFrom(lease.Frame);
            }

            return true;
        }

        /// <summary>
        /// Waits until a frame newer than <paramref name="afterSequence"/> is available, the channel is completed, the
        /// timeout passes or the token is cancelled. Runs on the consumer's thread; the publisher never waits for it.
        /// </summary>
        /// <param name="afterSequence">The sequence number of the last frame the caller has seen (0 for none).</param>
        /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits until a frame or completion.</param>
        /// <param name="cancellation">Cancels the wait.</param>
        /// <returns>True when a newer frame is available; false on timeout, or when the channel is complete and has none newer.</returns>
        /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
        public bool WaitForFrame(long afterSequence, TimeSpan timeout, CancellationToken cancellation = default)
        {
            if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or more, or Timeout.InfiniteTimeSpan.");
            }

            long started = Stopwatch.GetTimestamp();
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (Published > afterSequence)
                {
                    return true;
                }

                if (_completed)
                {
                    return false;
                }

                _signal.Reset();
                if (Published > afterSequence)
                {
                    return true;
                }

                if (_completed)
                {
                    return false;
                }

                int remaining = -1;
                if (timeout != Timeout.InfiniteTimeSpan)
                {
                    double left = timeout.TotalMilliseconds - ((Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency);
                    if (left <= 0)
                    {
                        return false;
                    }

                    remaining = left >= int.MaxValue ? int.MaxValue : Math.Max(1, (int)Math.Ceiling(left));
                }

                _signal.Wait(remaining, cancellation);
            }
        }

        /// <summary>
        /// As <see cref="WaitForFrame"/>, without holding a thread while waiting (for async consumers such as a web
        /// server). Allocates on the consumer side only.
        /// </summary>
        /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
        public async Task<bool> WaitForFrameAsync(long afterSequence, TimeSpan timeout, CancellationToken cancellation = default)
        {
            using var timeoutSource = timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(timeout);
            using var linked = timeoutSource == null
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellation)
                : CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeoutSource.Token);
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (Published > afterSequence)
                {
                    return true;
                }

                if (_completed || (timeoutSource != null && timeoutSource.IsCancellationRequested))
                {
                    return false;
                }

                _signal.Reset();
                if (Published > afterSequence || _completed)
                {
                    continue;
                }

                var woken = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                RegisteredWaitHandle registration = ThreadPool.RegisterWaitForSingleObject(
                    _signal.WaitHandle, (state, _) => ((TaskCompletionSource<bool>)state!).TrySetResult(true), woken, Timeout.Infinite, executeOnlyOnce: true);
                try
                {
                    using (linked.Token.Register(state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), woken))
                    {
                        await woken.Task.ConfigureAwait(false);
                    }
                }
                finally
                {
                    registration.Unregister(null);
                }
            }
        }

        /// <summary>
        /// Marks the end of the stream: no more frames will be published. The newest frame stays readable; waiting
        /// consumers wake up. Safe to call more than once and from any thread.
        /// </summary>
        public void Complete()
        {
            _completed = true;
            _signal.Set();
        }

        /// <summary>Releases the wait handle. Dispose after the publisher and every consumer are done.</summary>
        public void Dispose() => _signal.Dispose();

        /// <summary>Returns a slot taken by <see cref="TryLease"/>.</summary>
        internal void Release(int slot)
        {
            if (Interlocked.Decrement(ref _states[slot]) < 0)
            {
                Interlocked.Increment(ref _states[slot]);
                throw new InvalidOperationException("A frame lease was released twice; dispose each DenoisingFrameLease exactly once.");
            }
        }

        // Claims a slot that is neither the newest frame nor leased, marking it Writing. Round robin from after the
        // last one written, so the frames left behind are the most recent ones. -1 when none is free.
        private int ClaimSlot()
        {
            int latest = Volatile.Read(ref _latest);
            int n = _frames.Length;
            for (int k = 0; k < n; k++)
            {
                int slot = (_next + k) % n;
                if (slot != latest && Interlocked.CompareExchange(ref _states[slot], Writing, 0) == 0)
                {
                    _next = (slot + 1) % n;
                    return slot;
                }
            }

            return -1;
        }
    }
}
