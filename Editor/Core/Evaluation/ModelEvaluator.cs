using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Editor.Evaluation
{
    /// <summary>
    /// Generates images from a pixel-space denoiser and measures them against real images: Fréchet distance in TAESD
    /// feature space (with real-vs-real and trivial-generator baselines computed the same way), nearest-real-image
    /// distances in pixel space (memorisation), and seam scores (tileability).
    /// </summary>
    public sealed class ModelEvaluator
    {
        private readonly TaesdFeatureExtractor _features;

        /// <summary>Evaluates with features from <paramref name="features"/>.</summary>
        public ModelEvaluator(TaesdFeatureExtractor features)
        {
            _features = features ?? throw new ArgumentNullException(nameof(features));
        }

        /// <summary>Progress: images generated of those asked for, then each measuring stage (see <see cref="EvaluationProgress"/>).</summary>
        public event Action<EvaluationProgress>? Progress;

        /// <summary>
        /// Generates the images with <paramref name="denoiser"/> and <paramref name="scheduler"/> (square, the data's
        /// size; image i from noise seeded with Seed + i) and evaluates them against <paramref name="data"/>.
        /// <paramref name="guide"/> (named <paramref name="guideName"/> in the report) is the weaker model that
        /// <see cref="EvaluationOptions.AutoguidanceScale"/> guides with (see <see cref="UnconditionalPipeline"/>).
        /// </summary>
        public EvaluationReport Run(IDenoiser denoiser, Scheduler scheduler, EvaluationData data, EvaluationOptions options, string modelName, CancellationToken cancellation = default, IDenoiser? guide = null, string? guideName = null)
        {
            var total = Stopwatch.StartNew();
            int classes = options.ClassConditional ? data.ClassNames.Count : 0;
            if (options.ClassConditional && classes < 1)
            {
                throw new ArgumentException("Class-conditional evaluation needs data with classes (one subfolder per class).", nameof(options));
            }

            if (options.ClassConditional && denoiser.Info.ClassCount == 0)
            {
                throw new ArgumentException("The model is unconditional; evaluate it without class conditioning.", nameof(options));
            }

            var generated = new List<RgbImage>();
            var generatedLabels = new List<int>();
            var clock = Stopwatch.StartNew();
            var pipeline = new UnconditionalPipeline(denoiser, scheduler, guide);
            int[] perGroup = classes > 0
                ? ShareOut(options.Count, Enumerable.Range(0, classes).Select(c => data.IndicesOf(c).Length).ToArray(), options.Mix)
                : new[] { Math.Max(1, options.Count) };
            int target = perGroup.Sum();
            for (int group = 0; group < perGroup.Length; group++)
            {
                int? label = classes > 0 ? (options.ModelClassLabels != null ? options.ModelClassLabels[group] : group) : null;
                for (int done = 0; done < perGroup[group];)
                {
                    int batch = Math.Min(options.BatchSize, perGroup[group] - done);
                    TensorBuffer result = pipeline.Generate(
                        new GenerationOptions
                        {
                            Count = batch,
                            Width = data.Size,
                            Height = data.Size,
                            Seed = options.Seed + (ulong)generated.Count,
                            Steps = options.Steps,
                            ClassLabel = label,
                            GuidanceScale = label.HasValue ? options.GuidanceScale : 1f,
                            AutoguidanceScale = options.AutoguidanceScale,
                            GuidanceInterval = options.GuidanceInterval,
                            TileByRolling = options.TileByRolling,
                        },
                        cancellation: cancellation);
                    for (int i = 0; i < batch; i++)
                    {
                        generated.Add(EvaluationImages.ToRgb(ImageConversion.ToImage(result, i)));
                        generatedLabels.Add(group);
                    }

                    done += batch;
                    Progress?.Invoke(new EvaluationProgress($"generated {generated.Count}/{target}", generated.Count, target));
                }
            }

            double generationSeconds = clock.Elapsed.TotalSeconds;
            return Measure(generated, generatedLabels, data, options, modelName, SchedulerRegistry.NameOf(scheduler.Config), generationSeconds, total, cancellation) with
            {
                Guidance = classes > 0 ? options.GuidanceScale : 1f,
                Autoguidance = options.AutoguidanceScale,
                Guide = options.AutoguidanceScale == 1f || guide == null ? null : guideName ?? guide.Info.Name,
                GuidanceInterval = options.GuidanceInterval is { } interval ? GuidanceIntervals.Format(interval) : null,
            };
        }

        /// <summary>
        /// Images per class for <paramref name="count"/> in all: <see cref="ClassMix.Even"/> gives count / classes to
        /// each (the remainder is not generated); <see cref="ClassMix.Data"/> shares out all of them in proportion to
        /// <paramref name="classSizes"/> (largest remainders get the leftovers, ties to the lower class index).
        /// </summary>
        public static int[] ShareOut(int count, IReadOnlyList<int> classSizes, ClassMix mix)
        {
            if (classSizes.Count == 0 || classSizes.Any(n => n < 0) || classSizes.Sum() == 0)
            {
                throw new ArgumentException("Sharing out images needs at least one class with images.", nameof(classSizes));
            }

            int classes = classSizes.Count;
            if (mix == ClassMix.Even)
            {
                return Enumerable.Repeat(Math.Max(1, count / classes), classes).ToArray();
            }

            long total = classSizes.Sum();
            var shares = new int[classes];
            var remainders = new long[classes];
            for (int c = 0; c < classes; c++)
            {
                shares[c] = (int)((long)count * classSizes[c] / total);
                remainders[c] = (long)count * classSizes[c] % total;
            }

            int left = count - shares.Sum();
            foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => remainders[c]).ThenBy(c => c).Take(left))
            {
                shares[c]++;
            }

            return shares;
        }

        /// <summary>
        /// Evaluates already generated images (RGB, the data's size; <paramref name="generatedLabels"/> gives each one's
        /// data class, all 0 without classes) against <paramref name="data"/>.
        /// </summary>
        public EvaluationReport Measure(IReadOnlyList<RgbImage> generated, IReadOnlyList<int> generatedLabels, EvaluationData data, EvaluationOptions options, string modelName, string schedulerName, double generationSeconds = 0, Stopwatch? total = null, CancellationToken cancellation = default)
        {
            total ??= Stopwatch.StartNew();
            if (generated.Count < 2)
            {
                throw new ArgumentException($"Evaluation needs at least 2 generated images; got {generated.Count}.", nameof(generated));
            }

            IReadOnlyList<RgbImage> real = data.Images;
            (int[] halfA, int[] halfB) = DatasetSplit.Halves(real.Count, options.Seed ^ 0x5EED5EED5EEDUL);
            RgbImage[] trivial = PixelGaussianBaseline.Fit(real).Sample(generated.Count, options.Seed ^ 0xBA5E11AEUL);

            var clock = Stopwatch.StartNew();
            Progress?.Invoke(new EvaluationProgress($"TAESD features of {real.Count} real images", 0, 0));
            float[][] realFeatures = _features.Extract(real);
            cancellation.ThrowIfCancellationRequested();
            Progress?.Invoke(new EvaluationProgress($"TAESD features of {generated.Count} generated and {trivial.Length} trivial-baseline images", 0, 0));
            float[][] generatedFeatures = _features.Extract(generated);
            float[][] trivialFeatures = _features.Extract(trivial);
            double featureSeconds = clock.Elapsed.TotalSeconds;
            cancellation.ThrowIfCancellationRequested();

            clock.Restart();
            Progress?.Invoke(new EvaluationProgress("Fréchet distances, nearest neighbours, seam scores", 0, 0));
            FrechetParts generatedParts = FrechetDistance.DecomposeBetween(generatedFeatures, realFeatures);
            double fdGenerated = generatedParts.Distance;
            double fdTrivial = FrechetDistance.Between(trivialFeatures, realFeatures);
            var splits = new List<(int[] A, int[] B)> { (halfA, halfB) };
            for (int s = 1; s < Math.Max(1, options.MatchedSplits); s++)
            {
                splits.Add(DatasetSplit.Halves(real.Count, (options.Seed ^ 0x5EED5EED5EEDUL) + (ulong)s));
            }

            // The real-vs-real floor, averaged over the seeded splits: one split alone moves a great deal with the seed
            // on a few hundred images (0.21 to 0.46 on the built-in model's 795 tiles).
            double[] fdRealSplits = splits.Select(split => FrechetDistance.Between(Pick(realFeatures, split.A), Pick(realFeatures, split.B))).ToArray();
            double fdReal = fdRealSplits.Average();
            double fdRealSpread = SampleStandardDeviation(fdRealSplits, fdReal);

            Matched matched = Match(generatedFeatures, trivialFeatures, realFeatures, splits, options.Seed);

            RgbImage[] realA = Pick(real, halfA), realB = Pick(real, halfB);
            bool orientations = options.AllOrientations;
            double[] nnGenerated = NearestNeighbours.MinDistances(generated, real, orientations);
            double[] nnGeneratedB = NearestNeighbours.MinDistances(generated, realB, orientations);
            double[] nnReal = NearestNeighbours.MinDistances(realA, realB, orientations);

            var classReports = new List<ClassEvaluation>();
            if (options.ClassConditional)
            {
                var setA = new HashSet<int>(halfA);
                for (int c = 0; c < data.ClassNames.Count; c++)
                {
                    int[] realIndices = data.IndicesOf(c);
                    int[] genIndices = Enumerable.Range(0, generated.Count).Where(i => generatedLabels[i] == c).ToArray();
                    int[] a = realIndices.Where(setA.Contains).ToArray();
                    int[] b = realIndices.Where(i => !setA.Contains(i)).ToArray();
                    FrechetParts classParts = genIndices.Length >= 2 && realIndices.Length >= 2
                        ? FrechetDistance.DecomposeBetween(Pick(generatedFeatures, genIndices), Pick(realFeatures, realIndices))
                        : new FrechetParts(double.NaN, double.NaN, double.NaN, double.NaN);
                    double fdClass = classParts.Distance;
                    double fdClassReal = a.Length >= 2 && b.Length >= 2
                        ? FrechetDistance.Between(Pick(realFeatures, a), Pick(realFeatures, b))
                        : double.NaN;
                    var inClass = new HashSet<int>(realIndices);
                    Matched classMatched = Match(
                        Pick(generatedFeatures, genIndices),
                        null,
                        realFeatures,
                        splits.Select(split => (split.A.Where(inClass.Contains).ToArray(), split.B.Where(inClass.Contains).ToArray())).ToList(),
                        options.Seed + (ulong)c);
                    RgbImage[] classReal = Pick(real, realIndices);
                    classReports.Add(new ClassEvaluation
                    {
                        Name = data.ClassNames[c],
                        ModelLabel = options.ModelClassLabels != null ? options.ModelClassLabels[c] : c,
                        GeneratedCount = genIndices.Length,
                        TrainCount = realIndices.Length,
                        FdGeneratedVsTrain = fdClass,
                        FdMeanTerm = classParts.MeanTerm,
                        SpreadRatio = classParts.SpreadRatio,
                        FdRealVsReal = fdClassReal,
                        Ratio = fdClass / fdClassReal,
                        MatchedCount = classMatched.Count,
                        MatchedFdGenerated = classMatched.Generated,
                        MatchedFdReal = classMatched.Real,
                        MatchedFdRealSpread = classMatched.RealSpread,
                        MatchedRatio = classMatched.Generated / classMatched.Real,
                        NearestGenerated = ValueSummary.Of(classReal.Length == 0 ? Array.Empty<double>() : NearestNeighbours.MinDistances(Pick(generated, genIndices), classReal, orientations)),
                        NearestRealHeldOut = ValueSummary.Of(b.Length == 0 ? Array.Empty<double>() : NearestNeighbours.MinDistances(Pick(real, a), Pick(real, b), orientations)),
                    });
                }
            }

            ValueSummary seamGenerated = SeamScore.Summarize(generated);
            ValueSummary seamReal = SeamScore.Summarize(real);
            double metricSeconds = clock.Elapsed.TotalSeconds;

            return new EvaluationReport
            {
                Model = modelName,
                Data = data.Source,
                Scheduler = schedulerName,
                Steps = options.Steps,
                TileByRolling = options.TileByRolling,
                Seed = options.Seed,
                ClassMix = options.ClassConditional ? options.Mix.ToString().ToLowerInvariant() : null,
                ImageSize = data.Size,
                FeatureUpscale = TaesdFeatureExtractor.UpscaleFactor(data.Size, data.Size),
                FeatureDimension = _features.Dimension,
                GeneratedCount = generated.Count,
                TrainCount = real.Count,
                RealHalfA = halfA.Length,
                RealHalfB = halfB.Length,
                FdGeneratedVsTrain = fdGenerated,
                FdMeanTerm = generatedParts.MeanTerm,
                SpreadRatio = generatedParts.SpreadRatio,
                FdRealVsReal = fdReal,
                FdRealVsRealSpread = fdRealSpread,
                FdRealVsRealFirstSplit = fdRealSplits[0],
                FdTrivialVsTrain = fdTrivial,
                RatioToRealVsReal = fdGenerated / fdReal,
                TrivialRatioToRealVsReal = fdTrivial / fdReal,
                MatchedCount = matched.Count,
                MatchedSplits = splits.Count,
                MatchedFdGeneratedVsHalfB = matched.Generated,
                MatchedFdRealVsHalfB = matched.Real,
                MatchedFdRealSpread = matched.RealSpread,
                MatchedFdTrivialVsHalfB = matched.Trivial,
                MatchedRatio = matched.Generated / matched.Real,
                MatchedTrivialRatio = matched.Trivial / matched.Real,
                NearestGeneratedVsTrain = ValueSummary.Of(nnGenerated),
                NearestGeneratedVsHalfB = ValueSummary.Of(nnGeneratedB),
                NearestRealHeldOut = ValueSummary.Of(nnReal),
                NearestAllOrientations = orientations,
                SeamGenerated = seamGenerated,
                SeamTrain = seamReal,
                Classes = classReports,
                GenerationSeconds = generationSeconds,
                FeatureSeconds = featureSeconds,
                MetricSeconds = metricSeconds,
                TotalSeconds = total.Elapsed.TotalSeconds,
            };
        }

        /// <summary>
        /// The like-for-like comparison, averaged over seeded splits of the real images into halves A and B: for each
        /// split, FD(k generated vs B) and FD(k images of A vs B) with k = min(|generated|, smallest |A|), so both
        /// distances carry the same finite-sample bias (which depends strongly on the set sizes when they are not much
        /// larger than the 256 feature dimensions). The generated subset is the same for every split; the A subset is
        /// redrawn. Returns the means over splits and the standard deviation of the real-vs-real distance.
        /// </summary>
        private static Matched Match(float[][] generated, float[][]? trivial, float[][] real, IReadOnlyList<(int[] A, int[] B)> splits, ulong seed)
        {
            int k = Math.Min(generated.Length, splits.Min(split => split.A.Length));
            if (k < 2 || splits.Any(split => split.B.Length < 2))
            {
                return new Matched(k, double.NaN, double.NaN, double.NaN, double.NaN);
            }

            float[][] g = Pick(generated, Subset(generated.Length, k, seed ^ 0x6E4UL));
            float[][]? t = trivial == null ? null : Pick(trivial, Subset(trivial.Length, k, seed ^ 0x7121UL));
            var generatedDistances = new List<double>();
            var realDistances = new List<double>();
            var trivialDistances = new List<double>();
            for (int s = 0; s < splits.Count; s++)
            {
                float[][] b = Pick(real, splits[s].B);
                int[] a = splits[s].A;
                generatedDistances.Add(FrechetDistance.Between(g, b));
                realDistances.Add(FrechetDistance.Between(Pick(real, Pick(a, Subset(a.Length, k, (seed ^ 0xAAAUL) + (ulong)s))), b));
                if (t != null)
                {
                    trivialDistances.Add(FrechetDistance.Between(t, b));
                }
            }

            double realMean = realDistances.Average();
            double spread = SampleStandardDeviation(realDistances, realMean);
            return new Matched(k, generatedDistances.Average(), realMean, spread, t == null ? double.NaN : trivialDistances.Average());
        }

        /// <summary>The sample standard deviation (n − 1) of <paramref name="values"/> about their <paramref name="mean"/>; NaN for fewer than two.</summary>
        private static double SampleStandardDeviation(IReadOnlyCollection<double> values, double mean) =>
            values.Count > 1 ? Math.Sqrt(values.Sum(d => (d - mean) * (d - mean)) / (values.Count - 1)) : double.NaN;

        /// <summary>A seeded random subset of size <paramref name="k"/> of 0..count−1, ascending (everything when k ≥ count).</summary>
        private static int[] Subset(int count, int k, ulong seed)
        {
            int[] order = k >= count ? Enumerable.Range(0, count).ToArray() : DatasetSplit.Permutation(count, seed)[..k];
            Array.Sort(order);
            return order;
        }

        private readonly record struct Matched(int Count, double Generated, double Real, double RealSpread, double Trivial);

        private static T[] Pick<T>(IReadOnlyList<T> items, int[] indices)
        {
            var result = new T[indices.Length];
            for (int i = 0; i < indices.Length; i++)
            {
                result[i] = items[indices[i]];
            }

            return result;
        }
    }
}
