using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using LiveDiffusion.Imaging;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Training
{
    /// <summary>
    /// Runs `train` and `generate` twice, the second time with glibc's malloc filling every new allocation with
    /// 0x7f7f7f7f (3.4e38 as a float; <c>MALLOC_PERTURB_</c>, with the mmap threshold raised so tensors come from the
    /// heap too): any libtorch kernel on this CPU's code path that reads memory before writing it then gives different
    /// (usually non-finite) numbers. Memory reused from a previous step holds such leftovers, which is how a read before
    /// a write shows as "the second step in a process is non-finite". Both runs use libtorch's default thread count.
    /// </summary>
    public sealed class UninitializedMemoryTests : IDisposable
    {
        private static readonly string[] Perturbed = { "MALLOC_PERTURB_=128", "MALLOC_MMAP_THRESHOLD_=33554432" };
        private readonly TinyDataset _data = new TinyDataset();
        private readonly string _root = Path.Combine(Path.GetTempPath(), "ld-perturb-" + Guid.NewGuid().ToString("N"));

        [Fact]
        public void TrainingStepsReadNoMemoryBeforeWritingIt()
        {
            double[] plain = TrainLosses("plain", perturb: false);
            double[] perturbed = TrainLosses("perturbed", perturb: true);
            Assert.All(plain, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
            Assert.Equal(plain.Length, perturbed.Length);
            for (int i = 0; i < plain.Length; i++)
            {
                Assert.True(Math.Abs(plain[i] - perturbed[i]) <= 1e-5 * plain[i], $"logged loss {i + 1}: {plain[i]} normally, {perturbed[i]} with poisoned fresh memory");
            }
        }

        [Fact]
        public void SamplingReadsNoMemoryBeforeWritingIt()
        {
            // The built-in model, a batch of 16 (the batch size at which libtorch's convolution paths change).
            byte[] plain = Generate("plain", perturb: false);
            byte[] perturbed = Generate("perturbed", perturb: true);
            Assert.Equal(plain, perturbed);
        }

        private double[] TrainLosses(string name, bool perturb)
        {
            string run = Path.Combine(_root, name);
            (int code, string output) = Run(perturb, "train", "--data", _data.Folder, "--out", run, "--preset", "small", "--size", "16", "--class-conditional",
                "--steps", "4", "--batch", "8", "--lr", "1e-4", "--checkpoint-every", "4", "--sample-every", "0", "--plain");
            Assert.True(code == 0, output);
            Assert.Contains("0 non-finite steps skipped", output);
            // The log holds every 10th step and the last: here the last (step 4), after three steps that reused memory.
            return File.ReadAllLines(Path.Combine(run, "train_log.jsonl")).Select(l => JsonNode.Parse(l)!["loss"]!.GetValue<double>()).ToArray();
        }

        private byte[] Generate(string name, bool perturb)
        {
            string outDir = Path.Combine(_root, name);
            (int code, string output) = Run(perturb, "generate", "--class", "floor", "--count", "16", "--steps", "3", "--seed", "2", "--out", outDir);
            Assert.True(code == 0, output);
            return Enumerable.Range(2, 16).SelectMany(seed => PngFile.Read(Path.Combine(outDir, $"floor-{seed}.png")).Pixels).ToArray();
        }

        private static (int Code, string Output) Run(bool perturb, params string[] args)
        {
            using ChildProcess process = ChildProcess.StartDll("livediffusion.dll", args, start =>
            {
                foreach (string setting in perturb ? Perturbed : Array.Empty<string>())
                {
                    string[] pair = setting.Split('=');
                    start.Environment[pair[0]] = pair[1];
                }
            });
            return process.WaitForExit(TimeSpan.FromMinutes(5));
        }

        public void Dispose()
        {
            _data.Dispose();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
