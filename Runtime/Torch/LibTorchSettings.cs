using System;
using LiveDiffusion.Torch.Native;
using TorchSharp;

namespace LiveDiffusion.Torch
{
    /// <summary>
    /// Process-wide libtorch settings this package applies before its first convolution: NNPACK is off; oneDNN is
    /// checked against libtorch's own convolutions (<see cref="OneDnnConvolutionCheck"/>) and kept away from what it got
    /// wrong on this CPU; and oneDNN is off when the environment says <c>LIVEDIFFUSION_ONEDNN=0</c> (a diagnostic switch:
    /// libtorch then runs every CPU convolution on its own kernels).
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
        /// <summary>The environment variable that, set to 0, turns oneDNN off in <see cref="Apply"/>.</summary>
        public const string OneDnnVariable = "LIVEDIFFUSION_ONEDNN";

        private static readonly object Gate = new object();
        private static bool _applied;
        private static int _trainingScopes;

        /// <summary>Whether libtorch may use NNPACK now; null where libtorch cannot be reached or lacks the setting.</summary>
        public static bool? NnpackEnabled => TryRead(LibTorchNativeMethods.UserEnabledNnpack);

        /// <summary>Whether libtorch may use oneDNN now; null where libtorch cannot be reached or lacks the setting.</summary>
        public static bool? OneDnnEnabled => TryRead(LibTorchNativeMethods.UserEnabledMkldnn);

        /// <summary>
        /// What the check of oneDNN's convolutions found in this process; null before <see cref="Apply"/>, where libtorch
        /// lacks the settings, or where <c>LIVEDIFFUSION_ONEDNN=0</c> turned oneDNN off before any check.
        /// </summary>
        public static OneDnnConvolutionCheck? OneDnnCheck { get; private set; }

        /// <summary>
        /// Why training in this process runs without oneDNN (its convolution gradients are wrong on this CPU), in one
        /// sentence for a log; null when training uses libtorch's defaults.
        /// </summary>
        public static string? TrainingNote => OneDnnCheck is { ForwardCorrect: true, BackwardCorrect: false } check
            ? $"libtorch's oneDNN convolutions give wrong gradients on this CPU ({check.BackwardFault}); training uses libtorch's own convolutions (slower), inference keeps oneDNN."
            : null;

        /// <summary>
        /// Loads libtorch if needed and applies the settings, once per process: NNPACK off, then the oneDNN check; where
        /// oneDNN's forward convolutions are wrong, oneDNN is turned off for the process. Never throws: where this libtorch
        /// build lacks the settings (a different version) it leaves libtorch as it is and returns false.
        /// </summary>
        public static bool Apply()
        {
            lock (Gate)
            {
                if (!_applied)
                {
                    _applied = TrySetNnpack(false);
                    if (_applied && Environment.GetEnvironmentVariable(OneDnnVariable) == "0")
                    {
                        TrySetOneDnn(false);
                    }
                    else if (_applied)
                    {
                        OneDnnCheck = OneDnnConvolutionCheck.Run(TrySetOneDnn, OneDnnEnabled == true);
                        if (!OneDnnCheck.ForwardCorrect)
                        {
                            TrySetOneDnn(false);
                        }
                    }
                }

                return _applied;
            }
        }

        /// <summary>
        /// Holds oneDNN off for as long as the returned scope lives when its convolution gradients were found wrong on this
        /// CPU (see <see cref="TrainingNote"/>); otherwise changes nothing. Scopes nest and overlap across threads: oneDNN
        /// comes back when the last one ends. Every training run holds one.
        /// </summary>
        public static IDisposable ForTraining()
        {
            lock (Gate)
            {
                Apply();
                if (TrainingNote == null)
                {
                    return new TrainingScope(false);
                }

                if (_trainingScopes++ == 0)
                {
                    TrySetOneDnn(false);
                }

                return new TrainingScope(true);
            }
        }

        /// <summary>
        /// Turns libtorch's use of NNPACK on or off for the whole process (for measuring the two; <see cref="Apply"/>
        /// turns it off). Returns false where libtorch cannot be reached or lacks the setting.
        /// </summary>
        public static bool TrySetNnpack(bool enabled) => TryCall(context => LibTorchNativeMethods.SetUserEnabledNnpack(context, enabled));

        /// <summary>Turns libtorch's use of oneDNN (MKL-DNN) on or off for the whole process; false where it cannot.</summary>
        public static bool TrySetOneDnn(bool enabled) => TryCall(context => LibTorchNativeMethods.SetUserEnabledMkldnn(context, enabled));

        private static bool TryCall(Action<IntPtr> call)
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                call(LibTorchNativeMethods.GlobalContext());
                return true;
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                return false;
            }
        }

        private static bool? TryRead(Func<IntPtr, bool> read)
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
                return read(LibTorchNativeMethods.GlobalContext());
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                return null;
            }
        }

        private static void EndTraining()
        {
            lock (Gate)
            {
                if (--_trainingScopes == 0)
                {
                    TrySetOneDnn(true);
                }
            }
        }

        private static bool IsUnreachable(Exception e) =>
            e is DllNotFoundException || e is EntryPointNotFoundException || e is NotSupportedException || e is TypeInitializationException;

        private sealed class TrainingScope : IDisposable
        {
            private bool _holds;

            public TrainingScope(bool holds) => _holds = holds;

            public void Dispose()
            {
                if (_holds)
                {
                    _holds = false;
                    EndTraining();
                }
            }
        }
    }
}
