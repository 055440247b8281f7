#nullable enable
using System;
using System.IO;
using System.Threading;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Frames
{
    /// <summary>
    /// A consumer of a <see cref="DenoisingFrameChannel"/> that appends every frame it sees to a file in
    /// <see cref="DenoisingFrameFormat"/> (a run's <c>frames.ldframes</c>, replayed by <c>livediffusion view</c>).
    /// It runs on its own thread, reads the steps in order with <see cref="DenoisingFrameChannel.TryLeaseNext"/> and
    /// holds a lease only while writing one record, so it never slows the publisher; a step that left the ring before
    /// the recorder got to it (it fell <c>capacity - 1</c> steps behind) is counted in <see cref="Missed"/>.
    /// </summary>
    public sealed class DenoisingFrameRecorder : IDisposable
    {
        private readonly DenoisingFrameChannel _channel;
        private readonly FileStream _file;
        private readonly Thread _thread;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private Exception? _error;
        private long _recorded;
        private long _missed;

        /// <summary>Creates <paramref name="path"/> (and its folder) and starts recording the frames of <paramref name="channel"/>.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="IOException">The file cannot be created; the message names it.</exception>
        public DenoisingFrameRecorder(DenoisingFrameChannel channel, string path)
        {
            _channel = channel ?? throw new ArgumentNullException(nameof(channel));
            if (path == null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            Path = System.IO.Path.GetFullPath(path);
            string? folder = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            _file = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            _thread = new Thread(Run) { IsBackground = true, Name = "LiveDiffusion frame recorder" };
            _thread.Start();
        }

        /// <summary>The full path of the file.</summary>
        public string Path { get; }

        /// <summary>Frames written so far.</summary>
        public long Recorded => Interlocked.Read(ref _recorded);

        /// <summary>Steps that left the ring before the recorder reached them.</summary>
        public long Missed => Interlocked.Read(ref _missed);

        /// <summary>
        /// Waits until the channel is completed and its last frame is written, then closes the file.
        /// </summary>
        /// <returns>False when <paramref name="timeout"/> passed first (the recorder keeps running).</returns>
        /// <exception cref="IOException">Writing failed (disk full, ...); the message names the file.</exception>
        public bool WaitForCompletion(TimeSpan timeout)
        {
            if (!_thread.Join(timeout))
            {
                return false;
            }

            if (_error != null)
            {
                throw new IOException($"Recording frames to {Path} failed: {_error.Message}", _error);
            }

            return true;
        }

        /// <summary>Stops recording (whether or not the channel is complete) and closes the file.</summary>
        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }

        private void Run()
        {
            long seen = 0;
            try
            {
                while (true)
                {
                    if (!_channel.WaitForFrame(seen, Timeout.InfiniteTimeSpan, _stop.Token))
                    {
                        return;
                    }

                    if (!_channel.TryLeaseNext(seen, out DenoisingFrameLease lease))
                    {
                        continue;
                    }

                    using (lease)
                    {
                        DenoisingFrameFormat.Write(_file, lease.Frame);
                        Interlocked.Add(ref _missed, lease.Frame.Sequence - seen - 1);
                        seen = lease.Frame.Sequence;
                    }

                    Interlocked.Increment(ref _recorded);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                _error = e;
            }
            finally
            {
                _file.Dispose();
            }
        }
    }
}
