using System;
using LiveDiffusion.Torch.Native;
using TorchSharp;

namespace LiveDiffusion.Torch
{
    /// <summary>
    /// Process-wide libtorch settings this package applies before its first convolution. Today one: NNPACK is off.
    /// </summary>
    /// <remarks>
    /// libtorch considers NNPACK for every CPU convolution with a batch of 16 or more. On a CPU where NNPACK cannot start
    /// (seen on AMD EPYC machines) it logs <c>Could not initialize NNPACK! Reason: Unsupported hardware.</c> each time and
    /// falls back, so a batch of textures printed hundreds of lines. With NNPACK off libtorch goes straight to its other
    /// convolution paths (oneDNN or its own), as it already did on every batch under 16. <c>livediffusion bench sample</c>
    /// and <c>bench train</c> measure both settings in one run.
    /// </remarks>
    public static class LibTorchSettings
    {
        private static readonly object Gate = new object();
        private static bool _applied;

        /// <summary>
        /// Loads libtorch if needed and turns NNPACK off, once per process. Never throws: where this libtorch build lacks
        /// the setting (a different version) it leaves libtorch as it is and returns false.
        /// </summary>
        public static bool Apply()
        {
            lock (Gate)
            {
                if (!_applied)
                {
                    _applied = TrySetNnpack(false);
                }

                return _applied;
            }
        }

        /// <summary>
        /// Turns libtorch's use of NNPACK on or off for the whole process (for measuring the two; <see cref="Apply"/>
        /// turns it off). Returns false where libtorch cannot be reached or lacks the setting.
        /// </summary>
        public static bool TrySetNnpack(bool enabled)
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                LibTorchNativeMethods.SetUserEnabledNnpack(LibTorchNativeMethods.GlobalContext(), enabled);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is NotSupportedException || e is TypeInitializationException)
            {
                return false;
            }
        }

        /// <summary>Whether libtorch may use NNPACK now; null where libtorch cannot be reached or lacks the setting.</summary>
        public static bool? NnpackEnabled
        {
            get
            {
                try
                {
                    torch.InitializeDeviceType(DeviceType.CPU);
                    return LibTorchNativeMethods.UserEnabledNnpack(LibTorchNativeMethods.GlobalContext());
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is NotSupportedException || e is TypeInitializationException)
                {
                    return null;
                }
            }
        }
    }
}
