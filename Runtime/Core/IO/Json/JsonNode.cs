#nullable enable
using System.Globalization;
using System.Text;

namespace LiveDiffusion.IO.Json
{
    /// <summary>
    /// One value of a small JSON document model: <see cref="JsonObject"/>, <see cref="JsonArray"/> or
    /// <see cref="JsonValue"/> (string, number, true or false); JSON's null is a C# null. It is the package's own
    /// because the runtime must run where NuGet's System.Text.Json cannot be restored (an engine) and must not rely on
    /// reflection (IL2CPP). <see cref="JsonText"/> parses text into it; <see cref="ToJsonString"/> writes it back.
    /// </summary>
    internal abstract class JsonNode
    {
        private protected JsonNode()
        {
        }

        /// <summary>The member <paramref name="key"/> of an object, or null when absent or when this is not an object.</summary>
        public JsonNode? this[string key] => this is JsonObject obj && obj.TryGetPropertyValue(key, out JsonNode? value) ? value : null;

        public static implicit operator JsonNode(string value) => JsonValue.Create(value);

        public static implicit operator JsonNode(bool value) => JsonValue.Create(value);

        public static implicit operator JsonNode(int value) => JsonValue.Create(value);

        public static implicit operator JsonNode(long value) => JsonValue.Create(value);

        public static implicit operator JsonNode(float value) => JsonValue.Create(value);

        public static implicit operator JsonNode(double value) => JsonValue.Create(value);

        public static implicit operator JsonNode?(int? value) => value.HasValue ? JsonValue.Create(value.Value) : null;

        public static implicit operator JsonNode?(double? value) => value.HasValue ? JsonValue.Create(value.Value) : null;

        /// <summary>The string this value holds, or null when it is not a string.</summary>
        public static explicit operator string?(JsonNode? node) => node is JsonValue value && value.TryGetString(out string? s) ? s : null;

        /// <summary>The number this value holds.</summary>
        /// <exception cref="System.InvalidOperationException">It is not a number.</exception>
        public static explicit operator double(JsonNode? node) =>
            node is JsonValue value && value.TryGetNumber(out double d) ? d : throw new System.InvalidOperationException($"{(node == null ? "null" : node.ToJsonString())} is not a number.");

        /// <summary>
        /// The JSON text: compact (<c>{"a":1}</c>), or indented by two spaces with <c>\n</c> line breaks as diffusers'
        /// files are. Strings escape only what JSON requires; numbers keep the text they were read from (or the
        /// shortest text that reads back to the same value); infinities are written as Python's json module writes them.
        /// </summary>
        public string ToJsonString(bool indented = false)
        {
            var builder = new StringBuilder();
            Write(builder, indented, 0);
            return builder.ToString();
        }

        /// <summary>A copy that shares nothing with this node.</summary>
        public abstract JsonNode DeepClone();

        /// <inheritdoc />
        public override string ToString() => ToJsonString();

        internal abstract void Write(StringBuilder builder, bool indented, int depth);

        internal static void WriteNode(JsonNode? node, StringBuilder builder, bool indented, int depth)
        {
            if (node == null)
            {
                builder.Append("null");
            }
            else
            {
                node.Write(builder, indented, depth);
            }
        }

        internal static void NewLine(StringBuilder builder, bool indented, int depth)
        {
            if (indented)
            {
                builder.Append('\n').Append(' ', 2 * depth);
            }
        }

        internal static void WriteString(StringBuilder builder, string value)
        {
            builder.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\b': builder.Append("\\b"); break;
                    case '\f': builder.Append("\\f"); break;
                    default:
                        if (c < ' ')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            builder.Append('"');
        }
    }
}
