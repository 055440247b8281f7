using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Schedulers
{
    /// <summary>
    /// Full-loop results against diffusers' own scheduler tests. Every case in Tests/Data/diffusers-scheduler-reference.json
    /// runs (a new case needs no code change); the loop and the dummy sample/model follow the file's "harness" text.
    /// </summary>
    public sealed class SchedulerReferenceTests
    {
        private static readonly string ReferencePath = Path.Combine(AppContext.BaseDirectory, "Data", "diffusers-scheduler-reference.json");

        public static IEnumerable<object[]> Cases()
        {
            JsonObject root = JsonNode.Parse(File.ReadAllText(ReferencePath))!.AsObject();
            foreach (JsonNode? node in root["cases"]!.AsArray())
            {
                yield return new object[] { node!["name"]!.GetValue<string>() };
            }
        }

        [Fact]
        public void ReferenceFileHasCasesAndAHarness()
        {
            JsonObject root = JsonNode.Parse(File.ReadAllText(ReferencePath))!.AsObject();
            Assert.Contains("arange", root["harness"]!.GetValue<string>());
            Assert.True(root["cases"]!.AsArray().Count >= 5);
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void FullLoopMatchesDiffusers(string name)
        {
            JsonObject root = JsonNode.Parse(File.ReadAllText(ReferencePath))!.AsObject();
            JsonObject c = root["cases"]!.AsArray().Select(n => n!.AsObject()).Single(n => n["name"]!.GetValue<string>() == name);
            var config = (JsonObject)c["config"]!.DeepClone();
            config["_class_name"] = c["scheduler"]!.GetValue<string>();
            Scheduler scheduler = SchedulerConfig.Parse(config.ToJsonString(), "reference case " + name).CreateScheduler();
            int steps = c["num_inference_steps"]!.GetValue<int>();

            TensorBuffer sample = DummySample();
            scheduler.SetTimesteps(steps);
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample.Span, scheduler.InitNoiseSigma, sample.Span);
            var modelOutput = sample.CreateLike();
            var x0 = sample.CreateLike();
            foreach (float t in scheduler.Timesteps)
            {
                scheduler.ScaleModelInput(sample, t, sample);
                DummyModel(sample, t, modelOutput);
                scheduler.Step(modelOutput, t, sample, sample, x0);
            }

            double sum = 0;
            foreach (float v in sample.Span)
            {
                sum += Math.Abs(v);
            }

            double mean = sum / sample.Length;
            if (c["expected_sum"] is JsonNode expectedSum)
            {
                double tolerance = c["tolerance_sum"]!.GetValue<double>();
                Assert.True(Math.Abs(sum - expectedSum.GetValue<double>()) <= tolerance,
                    $"{name}: sum |x| = {sum:R}, diffusers {expectedSum.GetValue<double>()} ± {tolerance}");
            }

            if (c["expected_mean"] is JsonNode expectedMean)
            {
                double tolerance = c["tolerance_mean"]!.GetValue<double>();
                Assert.True(Math.Abs(mean - expectedMean.GetValue<double>()) <= tolerance,
                    $"{name}: mean |x| = {mean:R}, diffusers {expectedMean.GetValue<double>()} ± {tolerance}");
            }

            Assert.True(c.ContainsKey("expected_sum") || c.ContainsKey("expected_mean"), name + " states no expected value");
        }

        /// <summary>arange(768) reshaped to (3, 8, 8, 4), divided by 768, axes permuted (3, 0, 1, 2) to (4, 3, 8, 8).</summary>
        internal static TensorBuffer DummySample()
        {
            const int n = 4 * 3 * 8 * 8;
            var sample = new TensorBuffer(4, 3, 8, 8);
            Span<float> data = sample.Span;
            for (int a = 0; a < 4; a++)
            {
                for (int b = 0; b < 3; b++)
                {
                    for (int y = 0; y < 8; y++)
                    {
                        for (int x = 0; x < 8; x++)
                        {
                            int source = ((b * 8 + y) * 8 + x) * 4 + a;
                            data[((a * 3 + b) * 8 + y) * 8 + x] = source / (float)n;
                        }
                    }
                }
            }

            return sample;
        }

        /// <summary>The dummy model of diffusers' scheduler tests: out = x·t/(t + 1).</summary>
        internal static void DummyModel(TensorBuffer sample, float t, TensorBuffer output) =>
            System.Numerics.Tensors.TensorPrimitives.Multiply(sample.Span, t / (t + 1f), output.Span);
    }
}
