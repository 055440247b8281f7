using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Fans events out to the open pages: host events (state, run list) go to every page, run events only to the
    /// pages watching that run. Publishing never waits for a page.
    /// </summary>
    internal sealed class EventHub
    {
        private readonly object _gate = new object();
        private readonly List<EventSubscription> _subscriptions = new List<EventSubscription>();

        /// <summary>JSON settings of every payload (camelCase, as the page reads them).</summary>
        public static JsonSerializerOptions Json { get; } = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,

            // Payloads are read by the page's script (as JSON, shown with textContent) and by people with curl: keep quotes readable.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        /// <summary>Opens a stream for a page watching <paramref name="run"/> (null: host events only).</summary>
        public EventSubscription Subscribe(string? run)
        {
            var subscription = new EventSubscription(run, s =>
            {
                lock (_gate)
                {
                    _subscriptions.Remove(s);
                }
            });
            lock (_gate)
            {
                _subscriptions.Add(subscription);
            }

            return subscription;
        }

        /// <summary>Whether any page watches <paramref name="run"/>.</summary>
        public bool IsWatched(string run)
        {
            lock (_gate)
            {
                return _subscriptions.Any(s => s.Run == run);
            }
        }

        /// <summary>Sends an event to every page (<paramref name="run"/> null) or to the pages watching <paramref name="run"/>.</summary>
        public void Publish(string? run, string name, object payload)
        {
            var e = new PanelEvent(name, JsonSerializer.Serialize(payload, Json));
            EventSubscription[] targets;
            lock (_gate)
            {
                targets = _subscriptions.Where(s => run == null || s.Run == run).ToArray();
            }

            foreach (EventSubscription s in targets)
            {
                s.Post(e);
            }
        }

        /// <summary>Ends every stream (server shutdown).</summary>
        public void CompleteAll()
        {
            EventSubscription[] all;
            lock (_gate)
            {
                all = _subscriptions.ToArray();
            }

            foreach (EventSubscription s in all)
            {
                s.Complete();
            }
        }
    }
}
