using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Reads typed values from a diffusers-style JSON configuration, remembering which keys were used so that the
    /// rest can be kept verbatim for a faithful round trip. Every failure names the key, the value and what is allowed.
    /// </summary>
    internal sealed class ConfigReader
    {
        private readonly JsonObject _json;
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);
        private readonly string _origin;

        /// <summary>Where the configuration came from (a file path, or what it was converted from), for messages.</summary>
        public string Origin => _origin;

        public ConfigReader(JsonObject json, string origin)
        {
            _json = json;
            _origin = origin;
        }

        public static ConfigReader Empty => new ConfigReader(new JsonObject(), "defaults");

        public int Int(string key, int fallback)
        {
            JsonNode? node = Take(key);
            if (node == null)
            {
                return fallback;
            }

            if (node is JsonValue value && TryNumber(value, out double d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
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
                if (TryNumber(value, out double d))
                {
                    return d;
                }

                // Python's json writes -inf/inf/nan as bare tokens that System.Text.Json cannot parse; accept them as strings.
                if (value.TryGetValue(out string? s))
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

            if (node is JsonValue value && value.TryGetValue(out bool b))
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

            if (node is JsonValue value && value.TryGetValue(out string? s))
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
                    if (!(array[i] is JsonValue v) || !TryNumber(v, out double d))
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
            _json.TryGetPropertyValue(key, out JsonNode? node) && node is JsonValue v && v.TryGetValue(out bool b) && b;

        /// <summary>Throws when an unimplemented boolean option is switched on.</summary>
        public void RejectIfTrue(string className, string key, string alternative)
        {
            if (IsSetTrue(key))
            {
                throw new SchedulerConfigException($"{_origin}: {className} option '{key}' = true is not supported by LiveDiffusion; {alternative}.");
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

        /// <summary>Reads a number whether the node was parsed from text or built in code from an int, long, float or double.</summary>
        private static bool TryNumber(JsonValue value, out double result)
        {
            if (value.TryGetValue(out result))
            {
                return true;
            }

            if (value.TryGetValue(out int i))
            {
                result = i;
                return true;
            }

            if (value.TryGetValue(out long l))
            {
                result = l;
                return true;
            }

            if (value.TryGetValue(out float f))
            {
                result = f;
                return true;
            }

            return false;
        }

        private JsonNode? Take(string key)
        {
            _used.Add(key);
            return _json.TryGetPropertyValue(key, out JsonNode? node) ? node : null;
        }

        private SchedulerConfigException Invalid(string key, JsonNode node, string expected)
        {
            string shown = node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
            return new SchedulerConfigException(
                string.Format(CultureInfo.InvariantCulture, "{0}: key '{1}' is {2}, but it must be {3}. Fix the value of '{1}' or remove the key to use the default.", _origin, key, shown, expected));
        }
    }
}
