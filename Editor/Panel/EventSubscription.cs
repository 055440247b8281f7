using System;
using System.Threading.Channels;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// One page's event stream: the events of the host and of the run it watches, queued until the stream writes
    /// them. The queue is bounded; when a page falls far behind, the oldest events are dropped (the page reloads its
    /// state from a fresh snapshot when it reconnects).
    /// </summary>
    internal sealed class EventSubscription : IDisposable
    {
        private readonly Channel<PanelEvent> _queue = Channel.CreateBounded<PanelEvent>(new BoundedChannelOptions(20000)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        private readonly Action<EventSubscription> _onDispose;

        public EventSubscription(string? run, Action<EventSubscription> onDispose)
        {
            Run = run;
            _onDispose = onDispose;
        }

        /// <summary>The run this page watches, or null.</summary>
        public string? Run { get; }

        /// <summary>The queued events.</summary>
        public ChannelReader<PanelEvent> Reader => _queue.Reader;

        /// <summary>Queues an event (never blocks).</summary>
        public void Post(PanelEvent e) => _queue.Writer.TryWrite(e);

        /// <summary>Ends the stream.</summary>
        public void Complete() => _queue.Writer.TryComplete();

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            _onDispose(this);
        }
    }
}
