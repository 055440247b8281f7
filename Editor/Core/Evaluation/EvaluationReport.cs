using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>Per-class numbers of a class-conditional evaluation.</summary>
    public sealed record ClassEvaluation
    {
        /// <summary>The class (data subfolder) name.</summary>
        public string Name { get; init; } = string.Empty;

        /// <summary>The label the model was given.</summary>
        public int ModelLabel { get; init; }

        /// <summary>Generated images of this class.</summary>
        public int GeneratedCount { get; init; }

        /// <summary>Real images of this class.</summary>
        public int TrainCount { get; init; }

        /// <summary>FD(generated of this class vs real of this class).</summary>
        public double FdGeneratedVsTrain { get; init; }

        /// <summary>The part of <see cref="FdGeneratedVsTrain"/> from the offset of the means, |μ_gen − μ_real|².</summary>
        public double FdMeanTerm { get; init; }

        /// <summary>Total feature variance of this class's generated images over that of its real ones (below 1: less varied).</summary>
        public double SpreadRatio { get; init; }

        /// <summary>FD between the two halves of this class's real images (NaN when a half has fewer than 2).</summary>
        public double FdRealVsReal { get; init; }

        /// <summary><see cref="FdGeneratedVsTrain"/> / <see cref="FdRealVsReal"/>.</summary>
        public double Ratio { get; init; }

        /// <summary>Images per side in the like-for-like comparison (min of this class's generated and half-A counts).</summary>
        public int MatchedCount { get; init; }

        /// <summary>Mean over the splits of FD(MatchedCount generated of this class vs this class's half B).</summary>
        public double MatchedFdGenerated { get; init; }

        /// <summary>Mean over the splits of FD(MatchedCount real images of this class's half A vs its half B).</summary>
        public double MatchedFdReal { get; init; }

        /// <summary>Standard deviation of the real-vs-real distance over the splits: the noise scale of these numbers.</summary>
        public double MatchedFdRealSpread { get; init; }

        /// <summary><see cref="MatchedFdGenerated"/> / <see cref="MatchedFdReal"/>: the ratio to read.</summary>
        public double MatchedRatio { get; init; }

        /// <summary>Nearest-real-image distances of this class's generated images (against this class's real images).</summary>
        public ValueSummary NearestGenerated { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Nearest distances of this class's first-half real images to its second half.</summary>
        public ValueSummary NearestRealHeldOut { get; init; } = ValueSummary.Of(System.Array.Empty<double>());
    }

    /// <summary>Everything <c>livediffusion evaluate</c> measures, with the settings that produced it.</summary>
    public sealed record EvaluationReport
    {
        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // "dpm++2m", not "dpm\u002B\u002B2m"
        };

        /// <summary>The model folder (or a description of the denoiser); with <see cref="FromImages"/>, the images' folder.</summary>
        public string Model { get; init; } = string.Empty;

        /// <summary>The "generated" images were read from a folder (<c>evaluate --images</c>), not generated: no scheduler or steps.</summary>
        public bool FromImages { get; init; }

        /// <summary>The real images' folder.</summary>
        public string Data { get; init; } = string.Empty;

        /// <summary>The scheduler class used for generation.</summary>
        public string Scheduler { get; init; } = string.Empty;

        /// <summary>Denoising steps.</summary>
        public int Steps { get; init; }

        /// <summary>The classifier-free guidance scale (1: none).</summary>
        public float Guidance { get; init; } = 1f;

        /// <summary>The autoguidance scale (1: none).</summary>
        public float Autoguidance { get; init; } = 1f;

        /// <summary>The guide model of autoguidance (null without autoguidance).</summary>
        public string? Guide { get; init; }

        /// <summary>The timesteps guided, LOW..HIGH (null: every step).</summary>
        public string? GuidanceInterval { get; init; }

        /// <summary>Whether the latents were rolled every step for seamless output (<see cref="Pipelines.GenerationOptions.TileByRolling"/>).</summary>
        public bool TileByRolling { get; init; }

        /// <summary>The seed.</summary>
        public ulong Seed { get; init; }

        /// <summary>How the generated images were shared out over the classes ("data" or "even"; null without classes).</summary>
        public string? ClassMix { get; init; }

        /// <summary>Side length of the images compared.</summary>
        public int ImageSize { get; init; }

        /// <summary>The nearest-neighbour upscale factor applied before TAESD.</summary>
        public int FeatureUpscale { get; init; }

        /// <summary>Length of the feature vectors.</summary>
        public int FeatureDimension { get; init; }

        /// <summary>Generated images.</summary>
        public int GeneratedCount { get; init; }

        /// <summary>Real (training) images.</summary>
        public int TrainCount { get; init; }

        /// <summary>Real images in the first half of the split.</summary>
        public int RealHalfA { get; init; }

        /// <summary>Real images in the second half of the split.</summary>
        public int RealHalfB { get; init; }

        /// <summary>FD(generated vs all real images).</summary>
        public double FdGeneratedVsTrain { get; init; }

        /// <summary>
        /// The part of <see cref="FdGeneratedVsTrain"/> that comes from the offset of the means, |μ_gen − μ_real|²; the
        /// rest is the difference in the shape of the spread.
        /// </summary>
        public double FdMeanTerm { get; init; }

        /// <summary>
        /// tr(C_gen) / tr(C_real): the total feature variance of the generated images over that of the real ones. Below 1
        /// the generated set is less varied than the data (e.g. missing modes), above 1 more scattered.
        /// </summary>
        public double SpreadRatio { get; init; }

        /// <summary>
        /// FD(real half A vs real half B), the mean over <see cref="MatchedSplits"/> seeded splits into halves: the floor a
        /// perfect generator would reach with sets of about these sizes.
        /// </summary>
        public double FdRealVsReal { get; init; }

        /// <summary>Standard deviation of the real-vs-real distance over the splits.</summary>
        public double FdRealVsRealSpread { get; init; }

        /// <summary>The real-vs-real distance of the first split alone (halves A and B of the other figures; before the
        /// mean over splits, this was the floor reported).</summary>
        public double FdRealVsRealFirstSplit { get; init; }

        /// <summary>FD(per-pixel Gaussian samples vs all real images): the trivial generator's distance.</summary>
        public double FdTrivialVsTrain { get; init; }

        /// <summary><see cref="FdGeneratedVsTrain"/> / <see cref="FdRealVsReal"/> (1 is as good as real data; lower is better).</summary>
        public double RatioToRealVsReal { get; init; }

        /// <summary><see cref="FdTrivialVsTrain"/> / <see cref="FdRealVsReal"/>, for scale.</summary>
        public double TrivialRatioToRealVsReal { get; init; }

        /// <summary>
        /// Images per side in the like-for-like comparison: k = min(generated, half A), seeded random subsets of each,
        /// both compared with all of half B, averaged over <see cref="MatchedSplits"/> seeded splits. Fréchet distances
        /// from finite sets are biased upwards by an amount that depends on the set sizes (strongly so when they are not
        /// much larger than the feature dimension), so only this comparison holds the sizes equal on both sides.
        /// </summary>
        public int MatchedCount { get; init; }

        /// <summary>Number of real-image splits the matched numbers average over.</summary>
        public int MatchedSplits { get; init; }

        /// <summary>Mean over the splits of FD(k generated vs half B).</summary>
        public double MatchedFdGeneratedVsHalfB { get; init; }

        /// <summary>Mean over the splits of FD(k real images of half A vs half B).</summary>
        public double MatchedFdRealVsHalfB { get; init; }

        /// <summary>Standard deviation over the splits of FD(k of half A vs half B): the noise scale of the matched numbers.</summary>
        public double MatchedFdRealSpread { get; init; }

        /// <summary>Mean over the splits of FD(k trivial-baseline samples vs half B).</summary>
        public double MatchedFdTrivialVsHalfB { get; init; }

        /// <summary><see cref="MatchedFdGeneratedVsHalfB"/> / <see cref="MatchedFdRealVsHalfB"/>: about 1 means indistinguishable from held-out real images in this feature space.</summary>
        public double MatchedRatio { get; init; }

        /// <summary><see cref="MatchedFdTrivialVsHalfB"/> / <see cref="MatchedFdRealVsHalfB"/>, for scale.</summary>
        public double MatchedTrivialRatio { get; init; }

        /// <summary>Nearest real image (all of them) for each generated image, L2 in [0, 1] pixel space.</summary>
        public ValueSummary NearestGeneratedVsTrain { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Nearest real image of half B for each generated image: the like-for-like partner of <see cref="NearestRealHeldOut"/>.</summary>
        public ValueSummary NearestGeneratedVsHalfB { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Nearest real image of half B for each real image of half A: how close independent real images come.</summary>
        public ValueSummary NearestRealHeldOut { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Whether the nearest-neighbour search also tried the 8 flips/rotations.</summary>
        public bool NearestAllOrientations { get; init; }

        /// <summary>Seam scores of the generated images.</summary>
        public ValueSummary SeamGenerated { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Seam scores of the real images.</summary>
        public ValueSummary SeamTrain { get; init; } = ValueSummary.Of(System.Array.Empty<double>());

        /// <summary>Per-class numbers (empty unless class-conditional).</summary>
        public IReadOnlyList<ClassEvaluation> Classes { get; init; } = System.Array.Empty<ClassEvaluation>();

        /// <summary>Seconds spent generating.</summary>
        public double GenerationSeconds { get; init; }

        /// <summary>Seconds spent in TAESD.</summary>
        public double FeatureSeconds { get; init; }

        /// <summary>Seconds spent on the metrics themselves.</summary>
        public double MetricSeconds { get; init; }

        /// <summary>Total seconds.</summary>
        public double TotalSeconds { get; init; }

        /// <summary>The report as indented JSON with snake_case keys (NaN and Infinity written as strings).</summary>
        public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
    }
}
