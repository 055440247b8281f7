#nullable enable
using System;
using System.Globalization;
using System.Text;

namespace LiveDiffusion.IO.Json
{
    /// <summary>A JSON string, number, true or false. Numbers keep the text they were written as, so a round trip changes nothing.</summary>
    internal sealed class JsonValue : JsonNode
    {
        private readonly string? _string;
        private readonly double _number;
        private readonly string? _numberText;
        private readonly bool? _bool;

        private JsonValue(string? s, double number, string? numberText, bool? b)
        {
            _string = s;
            _number = number;
            _numberText = numberText;
            _bool = b;
        }

        /// <summary>A string value.</summary>
        public static JsonValue Create(string value) => new JsonValue(value ?? throw new ArgumentNullException(nameof(value)), 0, null, null);

        /// <summary>true or false.</summary>
        public static JsonValue Create(bool value) => new JsonValue(null, 0, null, value);

        /// <summary>An integer.</summary>
        public static JsonValue Create(long value) => new JsonValue(null, value, value.ToString(CultureInfo.InvariantCulture), null);

        /// <summary>A single-precision number, written with the shortest text that reads back to the same float.</summary>
        public static JsonValue Create(float value) => new JsonValue(null, value, NumberText(value, value.ToString("R", CultureInfo.InvariantCulture)), null);

        /// <summary>A number, written with the shortest text that reads back to the same double.</summary>
        public static JsonValue Create(double value) => new JsonValue(null, value, NumberText(value, value.ToString("R", CultureInfo.InvariantCulture)), null);

        /// <summary>A number read from <paramref name="text"/>, which is written back unchanged.</summary>
        internal static JsonValue Number(double value, string text) => new JsonValue(null, value, text, null);

        /// <summary>Whether this is a string; its value when it is.</summary>
        public bool TryGetString(out string? value)
        {
            value = _string;
            return _string != null;
        }

        /// <summary>Whether this is a number; its value when it is.</summary>
        public bool TryGetNumber(out double value)
        {
            value = _number;
            return _numberText != null;
        }

        /// <summary>Whether this is true or false; which when it is.</summary>
        public bool TryGetBool(out bool value)
        {
            value = _bool ?? false;
            return _bool.HasValue;
        }

        /// <inheritdoc />
        public override JsonNode DeepClone() => this; // immutable

        internal override void Write(StringBuilder builder, bool indented, int depth)
        {
            if (_string != null)
            {
                WriteString(builder, _string);
            }
            else if (_numberText != null)
            {
                builder.Append(_numberText);
            }
            else
            {
                builder.Append(_bool == true ? "true" : "false");
            }
        }

        private static string NumberText(double value, string shortest) =>
            double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : double.IsNaN(value) ? "NaN" : shortest;
    }
}
