using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Editor.Evaluation;
using LiveDiffusion.Imaging;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Evaluation
{
    public sealed class NearestNeighboursTests
    {
        private static float[] RandomImage(NoiseGenerator random, int length) =>
            Enumerable.Range(0, length).Select(_ => (float)random.NextDouble()).ToArray();

        [Fact]
        public void OrientationsAreTheEightSymmetriesOfTheSquare()
        {
            float[] image = Enumerable.Range(0, 4 * 4 * 2).Select(i => (float)i).ToArray(); // no symmetry at all
            float[][] variants = NearestNeighbours.Orientations(image, 4, 2);
            Assert.Equal(8, variants.Length);
            Assert.Equal(image, variants[0]);
            Assert.Equal(8, variants.Select(v => string.Join(",", v)).Distinct().Count());

            // Closed under composition: the orientations of any orientation are the same eight images.
            var set = new HashSet<string>(variants.Select(v => string.Join(",", v)));
            foreach (float[] v in variants)
            {
                Assert.True(set.SetEquals(NearestNeighbours.Orientations(v, 4, 2).Select(w => string.Join(",", w))));
            }

            // Index 1 is a quarter turn: four of them are the identity; pixels (channel pairs) move whole.
            float[] turned = image;
            for (int i = 0; i < 4; i++)
            {
                turned = NearestNeighbours.Orientations(turned, 4, 2)[1];
                Assert.True(i == 3 || !turned.SequenceEqual(image));
            }

            Assert.Equal(image, turned);
            Assert.All(Enumerable.Range(0, 16), p => Assert.Equal(variants[1][p * 2] + 1, variants[1][(p * 2) + 1]));
        }

        [Fact]
        public void DistancesMatchABruteForceSearch()
        {
            var random = new NoiseGenerator(3);
            List<float[]> queries = Enumerable.Range(0, 7).Select(_ => RandomImage(random, 5 * 5 * 3)).ToList();
            List<float[]> references = Enumerable.Range(0, 11).Select(_ => RandomImage(random, 5 * 5 * 3)).ToList();
            double[] found = NearestNeighbours.MinDistances(queries, references, 5, 3, allOrientations: false);
            for (int q = 0; q < queries.Count; q++)
            {
                double best = references.Min(r => Math.Sqrt(r.Select((v, i) => (double)(v - queries[q][i]) * (v - queries[q][i])).Sum()));
                Assert.Equal(best, found[q], 4);
            }

            // Trying orientations can only bring neighbours closer.
            double[] oriented = NearestNeighbours.MinDistances(queries, references, 5, 3, allOrientations: true);
            Assert.All(Enumerable.Range(0, queries.Count), q => Assert.True(oriented[q] <= found[q] + 1e-6));
        }

        [Fact]
        public void ATurnedOrMirroredCopyOfATrainingImageIsFoundAtDistanceZero()
        {
            var random = new NoiseGenerator(4);
            var training = Enumerable.Range(0, 20).Select(_ =>
            {
                var image = new RgbImage(8, 8, 3);
                for (int i = 0; i < image.Pixels.Length; i++)
                {
                    image.Pixels[i] = (byte)(random.NextDouble() * 256);
                }

                return image;
            }).ToList();

            float[] source = EvaluationImages.ToUnitFloats(training[13]);
            float[] mirroredTurn = NearestNeighbours.Orientations(source, 8, 3)[6];
            var copy = new RgbImage(8, 8, 3, mirroredTurn.Select(v => (byte)Math.Round(v * 255)).ToArray());
            var fresh = new RgbImage(8, 8, 3, training[0].Pixels.Select(p => (byte)(255 - p)).ToArray());

            double[] withOrientations = NearestNeighbours.MinDistances(new[] { copy, fresh }, training, allOrientations: true);
            double[] asIs = NearestNeighbours.MinDistances(new[] { copy, fresh }, training, allOrientations: false);
            Assert.Equal(0.0, withOrientations[0], 6);
            Assert.True(asIs[0] > 1, $"without orientations the copy is {asIs[0]:F3} away");
            Assert.True(withOrientations[1] > 1, "an image that is in no orientation a training image is not at zero");
        }

        [Fact]
        public void SummaryGivesMinMedianMean()
        {
            ValueSummary s = ValueSummary.Of(new[] { 4.0, 1, 3, 2 });
            Assert.Equal(new ValueSummary(4, 1, 2.5, 2.5, 4), s);
            Assert.Equal(3.0, ValueSummary.Of(new[] { 5.0, 3, 1 }).Median);
            Assert.True(double.IsNaN(ValueSummary.Of(Array.Empty<double>()).Mean));
        }
    }
}
