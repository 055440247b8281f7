#nullable enable
using System;
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace LiveDiffusion.IO.Json
{
    /// <summary>A JSON object: members in the order they were added (or read); each key once.</summary>
    internal sealed class JsonObject : JsonNode, IEnumerable<KeyValuePair<string, JsonNode?>>
    {
        private readonly List<KeyValuePair<string, JsonNode?>> _members = new List<KeyValuePair<string, JsonNode?>>();
        private readonly Dictionary<string, int> _index = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>The number of members.</summary>
        public int Count => _members.Count;

        /// <summary>
        /// The member <paramref name="key"/> (null when absent); setting replaces a member in place or appends a new one.
        /// </summary>
        public new JsonNode? this[string key]
        {
            get => TryGetPropertyValue(key, out JsonNode? value) ? value : null;
            set
            {
                if (_index.TryGetValue(key, out int at))
                {
                    _members[at] = new KeyValuePair<string, JsonNode?>(key, value);
                }
                else
                {
                    _index.Add(key, _members.Count);
                    _members.Add(new KeyValuePair<string, JsonNode?>(key, value));
                }
            }
        }

        /// <summary>Whether the object has the member <paramref name="key"/> (its value may be null).</summary>
        public bool ContainsKey(string key) => _index.ContainsKey(key);

        /// <summary>The member <paramref name="key"/>, if present.</summary>
        public bool TryGetPropertyValue(string key, out JsonNode? value)
        {
            if (_index.TryGetValue(key, out int at))
            {
                value = _members[at].Value;
                return true;
            }

            value = null;
            return false;
        }

        /// <summary>Adds a member that must not exist yet.</summary>
        /// <exception cref="ArgumentException">The key is already present.</exception>
        public void Add(string key, JsonNode? value)
        {
            if (_index.ContainsKey(key))
            {
                throw new ArgumentException($"The key \"{key}\" appears twice.", nameof(key));
            }

            this[key] = value;
        }

        /// <summary>Removes the member <paramref name="key"/>; false when it was absent.</summary>
        public bool Remove(string key)
        {
            if (!_index.TryGetValue(key, out int at))
            {
                return false;
            }

            _members.RemoveAt(at);
            _index.Remove(key);
            for (int i = at; i < _members.Count; i++)
            {
                _index[_members[i].Key] = i;
            }

            return true;
        }

        /// <inheritdoc />
        public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() => _members.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <inheritdoc />
        public override JsonNode DeepClone()
        {
            var copy = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> member in _members)
            {
                copy[member.Key] = member.Value?.DeepClone();
            }

            return copy;
        }

        internal override void Write(StringBuilder builder, bool indented, int depth)
        {
            builder.Append('{');
            for (int i = 0; i < _members.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : ",");
                NewLine(builder, indented, depth + 1);
                WriteString(builder, _members[i].Key);
                builder.Append(indented ? ": " : ":");
                WriteNode(_members[i].Value, builder, indented, depth + 1);
            }

            if (_members.Count > 0)
            {
                NewLine(builder, indented, depth);
            }

            builder.Append('}');
        }
    }
}
