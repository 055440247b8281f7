using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Rendering.Platform
{
    /// <summary>
    /// The P/Invoke into the C library this assembly uses: lowering the scheduling priority of the calling thread, so
    /// a viewer's thread (and the driver threads it starts, which inherit the value) yields the CPU to the denoiser.
    /// </summary>
    internal static class LibcNativeMethods
    {
        private const string Library = "libc";
        private const int PRIO_PROCESS = 0;
        private const long SYS_gettid = 186; // x86-64

        [DllImport(Library, SetLastError = true)]
        private static extern int setpriority(int which, int who, int prio);

        [DllImport(Library)]
        private static extern long syscall(long number);

        /// <summary>
        /// Sets the nice value of the calling thread (Linux x86-64: threads are scheduled by their own nice value).
        /// Raising it needs no privileges. Returns false, changing nothing, elsewhere or when the call fails.
        /// </summary>
        public static bool TryNiceCurrentThread(int nice)
        {
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return false;
            }

            try
            {
                int tid = (int)syscall(SYS_gettid);
                return tid > 0 && setpriority(PRIO_PROCESS, tid, nice) == 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
        }
    }
}
