#nullable enable
using System;
using System.Globalization;

namespace LiveDiffusion.Pipelines
{
    /// <summary>The text form of a guidance interval, <c>LOW..HIGH</c> in timesteps (e.g. <c>0..400</c>), as recipes and the command line write it.</summary>
    public static class GuidanceIntervals
    {
        /// <summary>Formats an interval as <c>LOW..HIGH</c>.</summary>
        public static string Format((float Low, float High) interval) =>
            interval.Low.ToString("R", CultureInfo.InvariantCulture) + ".." + interval.High.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Parses <c>LOW..HIGH</c> (LOW ≤ HIGH).</summary>
        /// <exception cref="FormatException">Not two numbers separated by "..", or LOW &gt; HIGH; the message quotes the text.</exception>
        public static (float Low, float High) Parse(string text)
        {
            string[] parts = (text ?? throw new ArgumentNullException(nameof(text))).Split(new[] { ".." }, StringSplitOptions.None);
            if (parts.Length == 2
                && float.TryParse(parts[0].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float low)
                && float.TryParse(parts[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float high)
                && low <= high)
            {
                return (low, high);
            }

            throw new FormatException($"Guidance interval '{text}': write LOW..HIGH timesteps with LOW <= HIGH, e.g. 0..400.");
        }
    }
}
