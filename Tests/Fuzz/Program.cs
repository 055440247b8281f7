using System;
using System.IO;
using SharpFuzz;

namespace LiveDiffusion.Fuzz
{
    /// <summary>
    /// The afl++ harness: <c>LiveDiffusion.Fuzz &lt;target&gt;</c> under afl-fuzz (with the runtime assemblies
    /// instrumented by SharpFuzz) runs one target of <see cref="FuzzTargets"/> on each input afl++ makes.
    /// <c>LiveDiffusion.Fuzz &lt;target&gt; &lt;file&gt;</c> runs one input once (to reproduce a finding).
    /// Tests/Fuzz/run-fuzz drives it.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length < 1 || !FuzzTargets.All.TryGetValue(args[0], out Action<byte[]>? target))
            {
                Console.Error.WriteLine($"usage: LiveDiffusion.Fuzz <target> [input file]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
                return 2;
            }

            if (args.Length == 2)
            {
                target(File.ReadAllBytes(args[1]));
                return 0;
            }

            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                target(copy.ToArray());
            });
            return 0;
        }
    }
}
