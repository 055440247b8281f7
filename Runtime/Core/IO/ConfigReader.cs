#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LiveDiffusion.IO.Json;
using LiveDiffusion.Models;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// The one reader of this package's JSON configurations (diffusers' scheduler and UNet configs, model_index.json):
    /// parses leniently the way Python's json module writes (Infinity, NaN, trailing commas) but reports a key given
    /// twice; reads typed values, remembering which keys were used so that the rest can be kept verbatim for a faithful
    /// round trip. Every failure names the origin, the key, the value and what is allowed, as the exception the caller
    /// chose (<see cref="ModelConfigException"/> unless told otherwise).
    /// </summary>
    internal sealed class ConfigReader
    {
        private readonly JsonObject _json;
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);
        private readonly string _origin;
        private readonly Func<string, Exception> _error;

        /// <summary>Reads <paramref name="json"/>, naming <paramref name="origin"/> in messages and failing with <paramref name="error"/>'s exceptions.</summary>
        public ConfigReader(JsonObject json, string origin, Func<string, Exception>? error = null)
        {
            _json = json;
            _origin = origin;
            _error = error ?? (message => new ModelConfigException(message));
        }

        /// <summary>Where the configuration came from (a file path, or what it was converted from), for messages.</summary>
        public string Origin => _origin;

        /// <summary>An empty configuration: every value its default.</summary>
        public static ConfigReader Empty => new ConfigReader(new JsonObject(), "defaults");

        /// <summary>
        /// Parses <paramref name="json"/> as one JSON object (see <see cref="JsonText"/>): Python's bare Infinity and
        /// -Infinity tokens are read as numbers and NaN as null; trailing commas and comments are allowed; a key given
        /// twice is an error.
        /// </summary>
        /// <exception cref="Exception">What <paramref name="error"/> makes (message, inner exception), or a <see cref="ModelConfigException"/>.</exception>
        public static JsonObject ParseObject(string json, string origin, Func<string, Exception?, Exception>? error = null)
        {
            error ??= (message, inner) => inner == null ? new ModelConfigException(message) : new ModelConfigException(message, inner);
            JsonNode? node;
            try
            {
                node = JsonText.Parse(json);
            }
            catch (FormatException e)
            {
                throw error($"{origin} is not valid JSON ({e.Message}). Fix the file or replace it with the one the model came with.", e);
            }

            return node as JsonObject ?? throw error($"{origin} must hold a JSON object ({{ \"key\": value, ... }}).", null);
        }

        /// <summary>Parses <paramref name="json"/> (see <see cref="ParseObject"/>) into a reader that fails with <see cref="ModelConfigException"/>s naming <paramref name="origin"/>.</summary>
        /// <exception cref="ModelConfigException">Not one valid JSON object, or a key given twice.</exception>
        public static ConfigReader Parse(string json, string origin) => new ConfigReader(ParseObject(json, origin), origin);

        /// <summary>Reads and parses the file at <paramref name="path"/>, naming it in messages.</summary>
        /// <exception cref="ModelConfigException">Not one valid JSON object, or a key given twice.</exception>
        /// <exception cref="IOException">The file cannot be read.</exception>
        public static ConfigReader Load(string path) => Parse(File.ReadAllText(path), path);

        /// <summary>Whether the key is present with a non-null value.</summary>
        public bool Has(string key) => _json.TryGetPropertyValue(key, out JsonNode? node) && node != null;

        /// <summary>The string at <paramref name="key"/>, or <paramref name="fallback"/> when absent.</summary>
        public string String(string key, string fallback)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            return node is JsonValue value && value.TryGetString(out string? s) && s != null ? s : throw Invalid(key, node, "a string");
        }

        /// <summary>The array of strings at <paramref name="key"/>, or null when absent.</summary>
        public string[]? Strings(string key)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return null;
            }

            if (node is JsonArray array && array.All(e => e is JsonValue v && v.TryGetString(out string? _)))
            {
                return array.Select(e => (string)e!).ToArray();
            }

            throw Invalid(key, node, "an array of strings");
        }

        /// <summary>The array of positive integers at <paramref name="key"/>, or null when absent.</summary>
        public int[]? PositiveInts(string key)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return null;
            }

            if (node is JsonArray array)
            {
                var result = new int[array.Count];
                for (int i = 0; i < array.Count; i++)
                {
                    if (!(array[i] is JsonValue v && v.TryGetNumber(out double d) && d == Math.Floor(d) && d > 0 && d <= int.MaxValue))
                    {
                        throw Invalid(key, node, "an array of positive integers");
                    }

                    result[i] = (int)d;
                }

                return result;
            }

            throw Invalid(key, node, "an array of positive integers");
        }

        /// <summary>The integer at <paramref name="key"/>, or null when absent or null.</summary>
        public int? NullableInt(string key) => Has(key) ? Int(key, 0) : (int?)null;

        public int Int(string key, int fallback)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            if (node is JsonValue value && value.TryGetNumber(out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            {
                return (int)d;
            }

            throw Invalid(key, node, "an integer");
        }

        public double Double(string key, double fallback)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            if (node is JsonValue value)
            {
                if (value.TryGetNumber(out double d))
                {
                    return d;
                }

                // Infinities written as strings (as some tools do) are accepted too.
                if (value.TryGetString(out string? s))
                {
                    if (s == "-inf" || s == "-Infinity")
                    {
                        return double.NegativeInfinity;
                    }

                    if (s == "inf" || s == "Infinity")
                    {
                        return double.PositiveInfinity;
                    }
                }
            }

            throw Invalid(key, node, "a number");
        }

        public double? NullableDouble(string key)
        {
            if (!_json.ContainsKey(key) || _json[key] == null)
            {
                _used.Add(key);
                return null;
            }

            return Double(key, 0);
        }

        public bool Bool(string key, bool fallback)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            if (node is JsonValue value && value.TryGetBool(out bool b))
            {
                return b;
            }

            throw Invalid(key, node, "true or false");
        }

        public T Enum<T>(string key, T fallback, IReadOnlyList<KeyValuePair<string, T>> allowed)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            if (node is JsonValue value && value.TryGetString(out string? s))
            {
                foreach (KeyValuePair<string, T> pair in allowed)
                {
                    if (pair.Key == s)
                    {
                        return pair.Value;
                    }
                }
            }

            var names = new List<string>();
            foreach (KeyValuePair<string, T> pair in allowed)
            {
                names.Add(pair.Key);
            }

            throw Invalid(key, node, "one of: " + string.Join(", ", names));
        }

        public double[]? DoubleArray(string key)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return null;
            }

            if (node is JsonArray array)
            {
                var result = new double[array.Count];
                for (int i = 0; i < array.Count; i++)
                {
                    if (!(array[i] is JsonValue v) || !v.TryGetNumber(out double d))
                    {
                        throw Invalid(key, node, "an array of numbers (element " + i + " is not a number)");
                    }

                    result[i] = d;
                }

                return result;
            }

            throw Invalid(key, node, "an array of numbers or null");
        }

        /// <summary>
        /// True when <paramref name="key"/> is present and true, without consuming it (the key is kept for the round
        /// trip): used to refuse options that this library does not implement instead of silently ignoring them.
        /// </summary>
        public bool IsSetTrue(string key) =>
            _json.TryGetPropertyValue(key, out JsonNode? node) && node is JsonValue v && v.TryGetBool(out bool b) && b;

        /// <summary>Throws when an unimplemented boolean option is switched on.</summary>
        public void RejectIfTrue(string className, string key, string alternative)
        {
            if (IsSetTrue(key))
            {
                throw _error($"{_origin}: {className} option '{key}' = true is not supported by LiveDiffusion; {alternative}.");
            }
        }

        /// <summary>The keys that no reader call consumed, deep-copied, in their original order.</summary>
        public JsonObject Unused()
        {
            var extra = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> pair in _json)
            {
                if (!_used.Contains(pair.Key) && pair.Key != "_class_name")
                {
                    extra[pair.Key] = pair.Value?.DeepClone();
                }
            }

            return extra;
        }

        private JsonNode? Take(string key)
        {
            _used.Add(key);
            return _json.TryGetPropertyValue(key, out JsonNode? node) ? node : null;
        }

        private Exception Invalid(string key, JsonNode node, string expected)
        {
            string shown = node.ToJsonString();
            return _error(
                string.Format(CultureInfo.InvariantCulture, "{0}: key '{1}' is {2}, but it must be {3}. Fix the value of '{1}' or remove the key to use the default.", _origin, key, shown, expected));
        }
    }
}
