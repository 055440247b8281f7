#nullable enable
using System;
using LiveDiffusion.Models;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// The guidance a texture generation runs with, decided in one place from what the caller asked and what the model
    /// folder recommends: what was given is used; with neither scale given, autoguidance at the folder's scale and
    /// interval when the folder has a guide UNet, else classifier-free guidance at the caller's default at every step.
    /// </summary>
    public sealed class GuidanceChoice
    {
        private GuidanceChoice(float classifierFree, float autoguidance, (float Low, float High)? interval, bool folderDefault)
        {
            ClassifierFreeScale = classifierFree;
            AutoguidanceScale = autoguidance;
            Interval = interval;
            IsFolderDefault = folderDefault;
        }

        /// <summary>Classifier-free guidance scale (1: off).</summary>
        public float ClassifierFreeScale { get; }

        /// <summary>Autoguidance scale (1: off).</summary>
        public float AutoguidanceScale { get; }

        /// <summary>The timesteps LOW..HIGH at which to guide; null: every step.</summary>
        public (float Low, float High)? Interval { get; }

        /// <summary>Whether the guidance is the model folder's recommendation (nothing was asked for).</summary>
        public bool IsFolderDefault { get; }

        /// <summary>
        /// Decides the guidance for <paramref name="generator"/>: see
        /// <see cref="Resolve(float?, float?, string?, bool, float, ValueTuple{float, float}?, float, string)"/>, with the
        /// generator's guide and recommendations.
        /// </summary>
        /// <exception cref="ArgumentException">Autoguidance without a guide, both kinds asked for, or a malformed interval.</exception>
        public static GuidanceChoice Resolve(float? classifierFree, float? autoguidance, string? interval, TextureGenerator generator, float classifierFreeDefault)
        {
            if (generator == null)
            {
                throw new ArgumentNullException(nameof(generator));
            }

            return Resolve(classifierFree, autoguidance, interval, generator.Guide != null, generator.RecommendedAutoguidanceScale,
                generator.RecommendedGuidanceInterval, classifierFreeDefault, generator.Model.Path);
        }

        /// <summary>
        /// Decides the guidance from the scales asked for (null: not given), the interval asked for (<c>LOW..HIGH</c>
        /// timesteps, <c>all</c> for every step, null: not given), whether a guide UNet is at hand, the folder's
        /// recommended autoguidance scale and interval, and the classifier-free scale to use when nothing is asked
        /// and there is no guide. <paramref name="model"/> names the folder in messages.
        /// </summary>
        /// <exception cref="ArgumentException">Autoguidance without a guide, both kinds asked for, or a malformed interval.</exception>
        public static GuidanceChoice Resolve(float? classifierFree, float? autoguidance, string? interval, bool hasGuide, float recommendedAutoguidance,
            (float Low, float High)? recommendedInterval, float classifierFreeDefault, string model)
        {
            (float Low, float High)? given = ParseInterval(interval);
            bool autoAsked = autoguidance.HasValue && autoguidance.Value != 1f;
            if (autoAsked && !hasGuide)
            {
                throw new ArgumentException($"Autoguidance needs a guide UNet, and {model} has none (its model_index.json names no {ModelFolder.GuideComponent}). Attach one with `livediffusion guide`, or use classifier-free guidance (--guidance).");
            }

            if (autoAsked && classifierFree.HasValue && classifierFree.Value != 1f)
            {
                throw new ArgumentException($"Classifier-free guidance {classifierFree} and autoguidance {autoguidance}: the two kinds of guidance are not combined; give one (or set the other to 1).");
            }

            bool folderDefault = !autoguidance.HasValue && !classifierFree.HasValue && hasGuide;
            (float Low, float High)? chosen = interval != null ? given : folderDefault ? recommendedInterval : null;
            return autoguidance.HasValue ? new GuidanceChoice(classifierFree ?? 1f, autoguidance.Value, chosen, false)
                : classifierFree.HasValue ? new GuidanceChoice(classifierFree.Value, 1f, chosen, false)
                : hasGuide ? new GuidanceChoice(1f, recommendedAutoguidance, chosen, true)
                : new GuidanceChoice(classifierFreeDefault, 1f, chosen, false);
        }

        private static (float Low, float High)? ParseInterval(string? interval)
        {
            if (interval == null || string.Equals(interval, "all", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            try
            {
                return GuidanceIntervals.Parse(interval);
            }
            catch (FormatException e)
            {
                throw new ArgumentException("--guidance-interval: " + e.Message + " Or 'all' for every step.", e);
            }
        }
    }
}
