#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// Chooses the ONNX Runtime execution provider for a session: the first provider in a preference list that the
    /// installed ONNX Runtime package and this machine can actually use, falling back to the CPU.
    /// </summary>
    /// <remarks>
    /// The same code serves every ONNX Runtime package: with the CPU package a CUDA preference is skipped with a
    /// reason; with Microsoft.ML.OnnxRuntime.Gpu on a machine with CUDA it lights up, with no code change.
    /// </remarks>
    public static class ExecutionProviderSelection
    {
        /// <summary>Fastest first: CUDA, DirectML, CoreML, then the CPU.</summary>
        public static ExecutionProvider[] DefaultPreference => new[]
        {
            ExecutionProvider.Cuda, ExecutionProvider.DirectML, ExecutionProvider.CoreML, ExecutionProvider.Cpu,
        };

        /// <summary>
        /// Tries each provider of <paramref name="preference"/> in order and appends the first one that works to
        /// <paramref name="options"/>. <see cref="ExecutionProvider.Cpu"/> always works and needs no appending (ONNX
        /// Runtime runs every node no other provider took on the CPU), so the search stops there; if the list runs
        /// out, the CPU is selected. Providers after the selected one are not tried. Repeated entries are tried once.
        /// </summary>
        /// <returns>The selected provider and, for every provider tried and passed over, the reason.</returns>
        /// <remarks>
        /// A provider is skipped when it is missing from <see cref="OrtEnv.GetAvailableProviders"/> (the package was
        /// built without it) or when appending it throws: <see cref="EntryPointNotFoundException"/> (the native
        /// library lacks the entry point, as the CPU package does for CUDA), <see cref="DllNotFoundException"/> (a
        /// native dependency such as CUDA or cuDNN is missing), <see cref="OnnxRuntimeException"/> (ONNX Runtime
        /// refused it), or a platform exception (DirectML off Windows, CoreML off Apple platforms). None of these
        /// escape. A failed append leaves <paramref name="options"/> as it was.
        /// </remarks>
        /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="preference"/> is null.</exception>
        public static ExecutionProviderReport Apply(SessionOptions options, IReadOnlyList<ExecutionProvider> preference)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            if (preference == null) throw new ArgumentNullException(nameof(preference));

            string[]? available = TryGetAvailableProviders(out string? availableError);
            var skipped = new List<SkippedProvider>();
            var seen = new HashSet<ExecutionProvider>();
            foreach (var provider in preference)
            {
                if (!seen.Add(provider)) continue;
                if (provider == ExecutionProvider.Cpu) return new ExecutionProviderReport(ExecutionProvider.Cpu, skipped);

                string ortName = OrtProviderName(provider);
                if (available != null && Array.IndexOf(available, ortName) < 0)
                {
                    skipped.Add(new SkippedProvider(provider,
                        $"{ortName} is not in OrtEnv available providers [{string.Join(", ", available)}]; {Hint(provider)}"));
                    continue;
                }

                if (TryAppend(options, provider, out string? reason))
                    return new ExecutionProviderReport(provider, skipped);
                if (availableError != null) reason += $" (OrtEnv available providers could not be read: {availableError})";
                skipped.Add(new SkippedProvider(provider, reason!));
            }
            return new ExecutionProviderReport(ExecutionProvider.Cpu, skipped);
        }

        /// <summary>
        /// The name ONNX Runtime uses for <paramref name="provider"/> in <see cref="OrtEnv.GetAvailableProviders"/>,
        /// e.g. <c>"CUDAExecutionProvider"</c>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="provider"/> is not a defined value.</exception>
        public static string OrtProviderName(ExecutionProvider provider)
        {
            switch (provider)
            {
                case ExecutionProvider.Cuda: return "CUDAExecutionProvider";
                case ExecutionProvider.DirectML: return "DmlExecutionProvider";
                case ExecutionProvider.CoreML: return "CoreMLExecutionProvider";
                case ExecutionProvider.Cpu: return "CPUExecutionProvider";
                default: throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown execution provider.");
            }
        }

        /// <summary>
        /// Appends one provider to <paramref name="options"/> without consulting the available-providers list.
        /// Returns false with the reason when ONNX Runtime or the platform refuses it; never throws for that.
        /// </summary>
        internal static bool TryAppend(SessionOptions options, ExecutionProvider provider, out string? reason)
        {
            string ortName = OrtProviderName(provider);
            try
            {
                switch (provider)
                {
                    case ExecutionProvider.Cuda: options.AppendExecutionProvider_CUDA(0); break;
                    case ExecutionProvider.DirectML: options.AppendExecutionProvider_DML(0); break;
                    case ExecutionProvider.CoreML: options.AppendExecutionProvider_CoreML(CoreMLFlags.COREML_FLAG_USE_NONE); break;
                    case ExecutionProvider.Cpu: break;
                }
                reason = null;
                return true;
            }
            catch (EntryPointNotFoundException e)
            {
                reason = $"the ONNX Runtime native library has no {ortName} entry point (EntryPointNotFoundException: {e.Message}); {Hint(provider)}";
            }
            catch (DllNotFoundException e)
            {
                reason = $"a native library {ortName} needs could not be loaded (DllNotFoundException: {e.Message}); {Hint(provider)}";
            }
            catch (OnnxRuntimeException e)
            {
                reason = $"ONNX Runtime refused {ortName} (OnnxRuntimeException: {e.Message}); {Hint(provider)}";
            }
            catch (Exception e) when (e is PlatformNotSupportedException || e is NotSupportedException || e is NotImplementedException
                                      || e is TypeLoadException || e is MissingMethodException || e is InvalidOperationException)
            {
                reason = $"{ortName} is not supported here ({e.GetType().Name}: {e.Message}); {Hint(provider)}";
            }
            return false;
        }

        private static string[]? TryGetAvailableProviders(out string? error)
        {
            try
            {
                error = null;
                return OrtEnv.Instance().GetAvailableProviders();
            }
            catch (Exception e) when (e is DllNotFoundException || e is TypeInitializationException || e is OnnxRuntimeException
                                      || e is EntryPointNotFoundException || e is BadImageFormatException)
            {
                error = e.GetType().Name + ": " + e.Message;
                return null;
            }
        }

        private static string Hint(ExecutionProvider provider)
        {
            switch (provider)
            {
                case ExecutionProvider.Cuda:
                    return "use the Microsoft.ML.OnnxRuntime.Gpu package (build with -p:LiveDiffusionOnnxGpu=true) on a machine with an NVIDIA driver, CUDA 12 and cuDNN 9";
                case ExecutionProvider.DirectML:
                    return "DirectML needs Windows and the Microsoft.ML.OnnxRuntime.DirectML package";
                case ExecutionProvider.CoreML:
                    return "CoreML needs macOS or iOS and an ONNX Runtime build with CoreML (the Microsoft.ML.OnnxRuntime package on osx-arm64)";
                default:
                    return "the CPU provider is always available";
            }
        }
    }
}
