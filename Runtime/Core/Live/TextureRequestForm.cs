#nullable enable
using System;
using System.Collections.Generic;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Live
{
    /// <summary>
    /// The fields of an editor window's or component's "Generate" form, as the user typed them, and the one place that
    /// turns them into a <see cref="TextureRequest"/>: each field is checked against the model (a class it has, steps,
    /// count, a seed, a scheduler this package implements) and every problem names the field and the fix; guidance
    /// is the model folder's recommendation (<see cref="TextureGenerator.RecommendedRequest"/>).
    /// </summary>
    public sealed class TextureRequestForm
    {
        /// <summary>The most textures one press of "Generate" makes (one batch).</summary>
        public const int MaxCount = 64;

        /// <summary>The most denoising steps accepted.</summary>
        public const int MaxSteps = TextureRequest.MaxSteps;

        /// <summary>The class to generate (one of the model's class names); empty: unconditional.</summary>
        public string ClassName { get; set; } = string.Empty;

        /// <summary>The seed of the first texture (the next ones use the following seeds); 0 or more.</summary>
        public long Seed { get; set; }

        /// <summary>Denoising steps, 1 to <see cref="MaxSteps"/>.</summary>
        public int Steps { get; set; } = TextureRequest.DefaultSteps;

        /// <summary>Textures to make, 1 to <see cref="MaxCount"/>.</summary>
        public int Count { get; set; } = 4;

        /// <summary>Scheduler name (class name or short name, e.g. <c>dpm++2m</c>, <c>ddim</c>, <c>euler-a</c>).</summary>
        public string Scheduler { get; set; } = TextureRequest.DefaultScheduler;

        /// <summary>A form filled with <paramref name="generator"/>'s recommendations: its steps and its first class.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
        public static TextureRequestForm For(TextureGenerator generator)
        {
            if (generator == null)
            {
                throw new ArgumentNullException(nameof(generator));
            }

            return new TextureRequestForm
            {
                Steps = generator.RecommendedSteps,
                ClassName = generator.ClassNames.Count > 0 ? generator.ClassNames[0] : string.Empty,
            };
        }

        /// <summary>What is wrong with the fields for <paramref name="generator"/>'s model: one line per problem; empty when none.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="generator"/> is null.</exception>
        public IReadOnlyList<string> Problems(TextureGenerator generator)
        {
            if (generator == null)
            {
                throw new ArgumentNullException(nameof(generator));
            }

            // The model's own rules (class, steps, scheduler) come from the runtime; the form adds its field limits.
            var problems = new List<string>();
            if (Seed < 0)
            {
                problems.Add($"Seed: {Seed} is negative; use 0 or more.");
            }

            if (Count < 1 || Count > MaxCount)
            {
                problems.Add($"Count: {Count} is outside 1 to {MaxCount}.");
            }

            var request = new TextureRequest { Count = 1, ClassName = ClassName.Length == 0 ? null : ClassName, Steps = Steps, Scheduler = Scheduler };
            foreach (RequestProblem problem in generator.Problems(request))
            {
                problems.Add(FieldName(problem.Setting) + ": " + problem.Message);
            }

            return problems;
        }

        /// <summary>The form's field for a <see cref="RequestProblem.Setting"/>.</summary>
        private static string FieldName(string setting) => setting == nameof(TextureRequest.ClassName) ? "Class" : setting;

        /// <summary>The request the fields describe for <paramref name="generator"/>'s model, with the model's recommended guidance.</summary>
        /// <exception cref="ArgumentException">A field is invalid; the message lists every problem (see <see cref="Problems"/>).</exception>
        public TextureRequest ToRequest(TextureGenerator generator)
        {
            IReadOnlyList<string> problems = Problems(generator);
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", problems));
            }

            return generator.RecommendedRequest(Count, (ulong)Seed, ClassName.Length == 0 ? null : ClassName, Steps, Scheduler);
        }
    }
}
