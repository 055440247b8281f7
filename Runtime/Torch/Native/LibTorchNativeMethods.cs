using System;
using System.Runtime.InteropServices;

namespace LiveDiffusion.Torch.Native
{
    /// <summary>
    /// The few libtorch (<c>libtorch_cpu</c>) entry points that TorchSharp does not wrap. They are C++ members of
    /// <c>at::Context</c>, called by their Itanium-mangled names; on x86-64 Linux a member function takes its object as
    /// the first argument, as a cdecl function would. Call only after TorchSharp has loaded libtorch.
    /// </summary>
    internal static class LibTorchNativeMethods
    {
        private const string Library = "libtorch_cpu";

        /// <summary><c>at::Context&amp; at::globalContext()</c>.</summary>
        [DllImport(Library, EntryPoint = "_ZN2at13globalContextEv", CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr GlobalContext();

        /// <summary><c>void at::Context::setUserEnabledNNPACK(bool)</c>: what Python's <c>torch.backends.nnpack.set_flags</c> sets.</summary>
        [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb", CallingConvention = CallingConvention.Cdecl)]
        internal static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        /// <summary><c>void at::Context::setUserEnabledMkldnn(bool)</c>: Python's <c>torch.backends.mkldnn.enabled</c> (oneDNN).</summary>
        [DllImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb", CallingConvention = CallingConvention.Cdecl)]
        internal static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

        /// <summary><c>bool at::Context::userEnabledMkldnn() const</c>.</summary>
        [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv", CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static extern bool UserEnabledMkldnn(IntPtr context);

        /// <summary><c>bool at::Context::userEnabledNNPACK() const</c>.</summary>
        [DllImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv", CallingConvention = CallingConvention.Cdecl)]
        [return: MarshalAs(UnmanagedType.U1)]
        internal static extern bool UserEnabledNnpack(IntPtr context);
    }
}
