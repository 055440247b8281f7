#nullable enable
using System.Collections;
using System.Collections.Generic;
using System.Text;

namespace LiveDiffusion.IO.Json
{
    /// <summary>A JSON array: an ordered list of values (null entries are JSON nulls).</summary>
    internal sealed class JsonArray : JsonNode, IReadOnlyList<JsonNode?>
    {
        private readonly List<JsonNode?> _items;

        /// <summary>An array of <paramref name="items"/>.</summary>
        public JsonArray(params JsonNode?[] items)
        {
            _items = new List<JsonNode?>(items);
        }

        /// <inheritdoc />
        public int Count => _items.Count;

        /// <inheritdoc />
        public JsonNode? this[int index] => _items[index];

        /// <summary>Appends <paramref name="item"/>.</summary>
        public void Add(JsonNode? item) => _items.Add(item);

        /// <inheritdoc />
        public IEnumerator<JsonNode?> GetEnumerator() => _items.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <inheritdoc />
        public override JsonNode DeepClone()
        {
            var copy = new JsonArray();
            foreach (JsonNode? item in _items)
            {
                copy.Add(item?.DeepClone());
            }

            return copy;
        }

        internal override void Write(StringBuilder builder, bool indented, int depth)
        {
            builder.Append('[');
            for (int i = 0; i < _items.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : ",");
                NewLine(builder, indented, depth + 1);
                WriteNode(_items[i], builder, indented, depth + 1);
            }

            if (_items.Count > 0)
            {
                NewLine(builder, indented, depth);
            }

            builder.Append(']');
        }
    }
}
