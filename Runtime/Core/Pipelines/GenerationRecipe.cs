#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// The recipe of a generated image in the widely used <c>parameters</c> text form (what PNG tEXt chunks of
    /// Stable Diffusion tools carry): the prompt on the first line(s), an optional <c>Negative prompt: …</c> line,
    /// and a last line of <c>Key: value</c> pairs separated by commas (values with commas are double-quoted).
    /// </summary>
    public sealed class GenerationRecipe
    {
        private readonly List<KeyValuePair<string, string>> _settings;

        /// <summary>Creates a recipe.</summary>
        public GenerationRecipe(string prompt, string? negativePrompt, IEnumerable<KeyValuePair<string, string>> settings)
        {
            Prompt = prompt ?? string.Empty;
            NegativePrompt = negativePrompt;
            _settings = settings.ToList();
        }

        /// <summary>The prompt (for texture models: the class, or "texture").</summary>
        public string Prompt { get; }

        /// <summary>The negative prompt, if any.</summary>
        public string? NegativePrompt { get; }

        /// <summary>The settings in order (Steps, Sampler, CFG scale, Seed, Size, Model, …).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Settings => _settings;

        /// <summary>The value of <paramref name="key"/> (case-insensitive), or null.</summary>
        public string? this[string key] => _settings.Where(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Select(p => p.Value).FirstOrDefault();

        /// <summary>An integer setting, or null when absent.</summary>
        /// <exception cref="FormatException">The value is not an integer; the message names the key.</exception>
        public long? GetInteger(string key)
        {
            string? value = this[key];
            if (value == null)
            {
                return null;
            }

            return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long result)
                ? result
                : throw new FormatException($"Recipe setting '{key}' is '{value}', not an integer.");
        }

        /// <summary>A number setting, or null when absent.</summary>
        public double? GetNumber(string key)
        {
            string? value = this[key];
            if (value == null)
            {
                return null;
            }

            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double result)
                ? result
                : throw new FormatException($"Recipe setting '{key}' is '{value}', not a number.");
        }

        /// <summary>The <c>Size</c> setting (<c>WxH</c>), or null.</summary>
        public (int Width, int Height)? GetSize()
        {
            string? value = this["Size"];
            if (value == null)
            {
                return null;
            }

            string[] parts = value.Split('x');
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h))
            {
                return (w, h);
            }

            throw new FormatException($"Recipe setting 'Size' is '{value}', not WIDTHxHEIGHT.");
        }

        /// <summary>The recipe as text.</summary>
        public string Format()
        {
            var text = new StringBuilder(Prompt);
            if (!string.IsNullOrEmpty(NegativePrompt))
            {
                text.Append("\nNegative prompt: ").Append(NegativePrompt);
            }

            text.Append('\n');
            text.Append(string.Join(", ", _settings.Select(p => p.Key + ": " + Quote(p.Value))));
            return text.ToString();
        }

        /// <inheritdoc />
        public override string ToString() => Format();

        /// <summary>Parses recipe text.</summary>
        /// <exception cref="FormatException">There is no settings line.</exception>
        public static GenerationRecipe Parse(string text)
        {
            string[] lines = (text ?? string.Empty).Replace("\r\n", "\n").Split('\n');
            int last = lines.Length - 1;
            while (last >= 0 && lines[last].Trim().Length == 0)
            {
                last--;
            }

            if (last < 0 || !lines[last].Contains(": "))
            {
                throw new FormatException("The text has no settings line (\"Steps: 25, Sampler: …, Seed: …\"); it is not a generation recipe.");
            }

            var settings = SplitSettings(lines[last]);
            var prompt = new List<string>();
            string? negative = null;
            for (int i = 0; i < last; i++)
            {
                if (lines[i].StartsWith("Negative prompt:", StringComparison.Ordinal))
                {
                    negative = string.Join("\n", new[] { lines[i].Substring("Negative prompt:".Length).Trim() }.Concat(lines.Skip(i + 1).Take(last - i - 1)));
                    break;
                }

                prompt.Add(lines[i]);
            }

            return new GenerationRecipe(string.Join("\n", prompt), negative, settings);
        }

        private static List<KeyValuePair<string, string>> SplitSettings(string line)
        {
            var result = new List<KeyValuePair<string, string>>();
            int i = 0;
            while (i < line.Length)
            {
                int colon = line.IndexOf(": ", i, StringComparison.Ordinal);
                if (colon < 0)
                {
                    break;
                }

                string key = line.Substring(i, colon - i).Trim();
                int start = colon + 2;
                string value;
                if (start < line.Length && line[start] == '"')
                {
                    int end = start + 1;
                    var unquoted = new StringBuilder();
                    while (end < line.Length && line[end] != '"')
                    {
                        if (line[end] == '\\' && end + 1 < line.Length)
                        {
                            end++;
                        }

                        unquoted.Append(line[end]);
                        end++;
                    }

                    value = unquoted.ToString();
                    i = line.IndexOf(',', Math.Min(end, line.Length - 1));
                    i = i < 0 ? line.Length : i + 1;
                }
                else
                {
                    int comma = line.IndexOf(", ", start, StringComparison.Ordinal);
                    int end = comma < 0 ? line.Length : comma;
                    value = line.Substring(start, end - start).Trim();
                    i = comma < 0 ? line.Length : comma + 2;
                }

                result.Add(new KeyValuePair<string, string>(key, value));
            }

            return result;
        }

        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ',', '"', '\n', ':' }) >= 0 ? "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"" : value;
    }
}
