using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Fuzz;
using LiveDiffusion.Tests;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Fuzz
{
    /// <summary>
    /// Replays the fuzz corpus (Tests/Fuzz/corpus~) and every finding afl++ made (Tests/Fuzz/regressions~) through the
    /// same targets the harness runs, and mutates each corpus file a few hundred times with a fixed seed (a small fuzz
    /// run on every CI run): every reader may refuse bytes only with its documented exception.
    /// </summary>
    public sealed class FuzzCorpusTests
    {
        private static string Folder(string kind) => Path.Combine(SharedData.RepositoryRoot, "Tests", "Fuzz", kind);

        public static IEnumerable<object[]> Targets => FuzzTargets.All.Keys.Select(t => new object[] { t });

        [Theory]
        [MemberData(nameof(Targets))]
        public void EveryCorpusFileAndEveryFindingRunsCleanly(string target)
        {
            string[] corpus = Directory.GetFiles(Path.Combine(Folder("corpus~"), target));
            Assert.NotEmpty(corpus);
            string regressions = Path.Combine(Folder("regressions~"), target);
            string[] findings = Directory.Exists(regressions) ? Directory.GetFiles(regressions) : Array.Empty<string>();
            foreach (string file in corpus.Concat(findings))
            {
                Run(target, File.ReadAllBytes(file), Path.GetFileName(file));
            }
        }

        [Theory]
        [MemberData(nameof(Targets))]
        public void MutatedCorpusFilesAreRefusedOnlyWithTheDocumentedException(string target)
        {
            var random = new Random(target.Length * 7919);
            foreach (string file in Directory.GetFiles(Path.Combine(Folder("corpus~"), target)))
            {
                byte[] original = File.ReadAllBytes(file);
                for (int trial = 0; trial < 300; trial++)
                {
                    byte[] bytes = Mutate(original, random);
                    Run(target, bytes, $"{Path.GetFileName(file)}, mutation {trial}");
                }
            }
        }

        private static void Run(string target, byte[] bytes, string what)
        {
            try
            {
                FuzzTargets.All[target](bytes);
            }
            catch (Exception e)
            {
                Assert.Fail($"{target} ({what}, {bytes.Length} bytes, base64 {Convert.ToBase64String(bytes.AsSpan(0, Math.Min(bytes.Length, 600)))}): {e}");
            }
        }

        /// <summary>Flips, overwrites with boundary values, inserts, deletes or truncates, as afl++'s havoc stage does.</summary>
        private static byte[] Mutate(byte[] original, Random random)
        {
            var bytes = new List<byte>(original);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits && bytes.Count > 0; e++)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(5))
                {
                    case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                    case 1: bytes[at] = new byte[] { 0, 0x7F, 0x80, 0xFF, (byte)'9', (byte)'-', (byte)'"', (byte)'{' }[random.Next(8)]; break;
                    case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                    case 3: bytes.RemoveAt(at); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }

            return bytes.ToArray();
        }
    }
}
