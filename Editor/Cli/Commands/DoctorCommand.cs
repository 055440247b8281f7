using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using LiveDiffusion.Onnx;
using LiveDiffusion.Rendering.Platform;
using LiveDiffusion.Torch;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// <c>livediffusion doctor</c>: real checks of what this machine offers — every line comes from running the thing
    /// (a libtorch matmul, an ONNX Runtime environment and provider selection, a GL context that clears and reads back a pixel).
    /// </summary>
    internal static class DoctorCommand
    {
        public static Command Create()
        {
            var json = new Option<bool>("--json") { Description = "Print the findings as JSON." };
            var command = new Command("doctor", "Check this machine: CPU vector width, libtorch, ONNX Runtime providers, OpenGL headless and windowed.")
            {
                json,
            };
            command.SetAction(parse => Run(parse.GetValue(json)));
            return command;
        }

        private static int Run(bool asJson)
        {
            var findings = new List<Finding>();

            string simd = Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : Vector.IsHardwareAccelerated ? "SIMD" : "scalar";
            findings.Add(new Finding("cpu", true,
                $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.ProcessArchitecture}, {simd}, Vector<float> = {Vector<float>.Count} lanes ({Vector<float>.Count * 32} bit)"));
            findings.Add(new Finding("dotnet", true, $"{RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription}"));

            TorchProbeResult torch = TorchProbe.Run();
            findings.Add(new Finding("libtorch", torch.Ok, torch.Ok
                ? $"loaded ({torch.Version}); 1024^3 fp32 matmul ran at {torch.MatmulGflops:F0} GFLOP/s on {torch.Threads} threads"
                : "failed: " + torch.Error));
            if (torch.Ok)
            {
                bool applied = LibTorchSettings.Apply();
                findings.Add(new Finding("libtorch-nnpack", applied, applied
                    ? $"off (this package's setting; libtorch reports {(LibTorchSettings.NnpackEnabled == false ? "off" : "on")}): no 'Could not initialize NNPACK' line per convolution on CPUs NNPACK does not support"
                    : "this libtorch has no NNPACK switch: on CPUs NNPACK does not support it may print 'Could not initialize NNPACK' per convolution"));
                findings.Add(new Finding("libtorch-onednn", true, DescribeOneDnn(LibTorchSettings.OneDnnCheck)));
            }

            try
            {
                string version = OnnxRuntimeInfo.Version;
                string providers = string.Join(", ", OnnxRuntimeInfo.AvailableProviders);
                using var options = new SessionOptions();
                ExecutionProviderReport report = ExecutionProviderSelection.Apply(options, ExecutionProviderSelection.DefaultPreference);
                findings.Add(new Finding("onnxruntime", true, $"{version}; available providers: {providers}; {report.Describe().Replace(Environment.NewLine, "; ").Replace("\n", "; ")}"));
            }
            catch (Exception e) when (e is DllNotFoundException || e is OnnxRuntimeException || e is TypeInitializationException || e is EntryPointNotFoundException)
            {
                findings.Add(new Finding("onnxruntime", false, "failed to load: " + e.Message));
            }

            GlProbeResult headless = GlProbe.ProbeHeadless();
            findings.Add(new Finding("opengl-headless", headless.Ok, Describe(headless)));
            GlProbeResult window = GlProbe.ProbeWindow();
            bool windowSkipped = window.Error != null && window.Error.StartsWith("skipped", StringComparison.Ordinal);
            findings.Add(new Finding("opengl-window", window.Ok || windowSkipped, Describe(window)));

            if (asJson)
            {
                var map = new SortedDictionary<string, object>();
                foreach (Finding f in findings)
                {
                    map[f.Name] = new Dictionary<string, object> { ["ok"] = f.Ok, ["detail"] = f.Detail };
                }

                Console.WriteLine(JsonSerializer.Serialize(map, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            }
            else
            {
                foreach (Finding f in findings)
                {
                    Console.WriteLine($"{(f.Ok ? "ok  " : "FAIL")} {f.Name,-16} {f.Detail}");
                }
            }

            bool required = findings.TrueForAll(f => f.Ok);
            return required ? 0 : 1;
        }

        private static string DescribeOneDnn(OneDnnConvolutionCheck? check)
        {
            if (check == null)
            {
                return LibTorchSettings.OneDnnEnabled == false
                    ? $"off ({LibTorchSettings.OneDnnVariable}=0): every convolution runs on libtorch's own kernels"
                    : "not checked: this libtorch has no oneDNN switch";
            }

            string how = $"checked against libtorch's own convolutions on 1 and {torch.get_num_threads()} thread(s)";
            if (!check.ForwardCorrect)
            {
                return $"{how}: forward results wrong on this CPU ({check.ForwardFault}); off for the whole process (slower)";
            }

            return check.BackwardCorrect
                ? $"{how}: forward results and gradients agree; on for inference and training"
                : $"{how}: gradients wrong on this CPU ({check.BackwardFault}); training turns oneDNN off (slower), inference keeps it";
        }

        private static string Describe(GlProbeResult r) =>
            r.Ok ? $"{r.Method}: {r.Version} ({r.Renderer}); cleared a framebuffer and read the pixel back" : $"{r.Method}: {r.Error}";

        private sealed record Finding(string Name, bool Ok, string Detail);
    }
}
