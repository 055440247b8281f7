#nullable enable
using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// Gives the C heap's free pages back to the system. ONNX Runtime frees a session's weights and buffers with the C
    /// allocator, and glibc keeps freed pages in its heap for reuse, so a long editor session that opens and disposes
    /// models would hold on to memory it no longer uses; <c>malloc_trim(0)</c> returns it. Only glibc Linux has it: on
    /// Windows, macOS, musl or a host without it this does nothing.
    /// </summary>
    internal static class NativeHeap
    {
        private static bool _unavailable;

        /// <summary>Returns the C heap's free pages to the system; true when it did, false where it cannot (not glibc Linux).</summary>
        public static bool ReturnFreePages()
        {
            if (_unavailable || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return false;
            }

            try
            {
                malloc_trim(UIntPtr.Zero);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _unavailable = true;
                return false;
            }
        }

        /// <summary>glibc's malloc_trim(3): releases free memory at the top and in the middle of every arena; returns 1 when some was.</summary>
        [DllImport("libc", EntryPoint = "malloc_trim")]
        private static extern int malloc_trim(UIntPtr pad);
    }
}
