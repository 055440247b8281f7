using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Xunit;

namespace LiveDiffusion.Onnx.Tests
{
    /// <summary>Runs alone: it reads the process's resident memory, which tests running beside it would move.</summary>
    [CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
    public sealed class NativeHeapCollection
    {
    }

    /// <summary>
    /// <see cref="NativeHeap.ReturnFreePages"/>: C heap memory freed below a block still in use stays resident until
    /// it is called, and is given back to the system when it is (glibc Linux, as here and in CI).
    /// </summary>
    [Collection(nameof(NativeHeapTests))]
    public sealed class NativeHeapTests
    {
        [Fact]
        public void FreedHeapPagesUnderABlockStillInUseGoBackToTheSystem()
        {
            Assert.True(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "this test states glibc Linux behaviour; the suite runs on Debian");
            const int blocks = 40_000, size = 4096; // 160 MiB of small blocks: heap memory, not separate mappings
            IntPtr[] allocated = Enumerable.Range(0, blocks).Select(_ => Marshal.AllocHGlobal(size)).ToArray();
            var page = new byte[size];
            foreach (IntPtr block in allocated)
            {
                Marshal.Copy(page, 0, block, size); // touch every page so it is resident
            }

            for (int i = 0; i < blocks - 1; i++)
            {
                Marshal.FreeHGlobal(allocated[i]); // the last block stays: the heap cannot shrink from its top by itself
            }

            double kept = ResidentMiB();
            Assert.True(NativeHeap.ReturnFreePages());
            double after = ResidentMiB();
            Marshal.FreeHGlobal(allocated[blocks - 1]);
            Assert.True(kept - after > 100, $"resident {kept:F0} MiB before and {after:F0} MiB after returning about 156 MiB of freed blocks");
        }

        private static double ResidentMiB()
        {
            string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
    }
}
