#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LiveDiffusion.Models;
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// One ONNX Runtime session for one model file, created once and reused for every call, with its inputs and
    /// outputs read from the session metadata and the execution provider it runs on.
    /// </summary>
    public sealed class OnnxModel : IDisposable
    {
        private OnnxModel(InferenceSession session, string name, ExecutionProviderReport providers)
        {
            Session = session;
            Name = name;
            Providers = providers;
            Inputs = session.InputMetadata.Select(p => Spec(p.Key, p.Value)).ToArray();
            Outputs = session.OutputMetadata.Select(p => Spec(p.Key, p.Value)).ToArray();
            Metadata = session.ModelMetadata.CustomMetadataMap;
        }

        /// <summary>The file (or the name given for an in-memory model).</summary>
        public string Name { get; }

        /// <summary>The session.</summary>
        public InferenceSession Session { get; }

        /// <summary>Which execution provider runs the model and why others were skipped.</summary>
        public ExecutionProviderReport Providers { get; }

        /// <summary>Inputs in graph order.</summary>
        public IReadOnlyList<OnnxTensorSpec> Inputs { get; }

        /// <summary>Outputs in graph order.</summary>
        public IReadOnlyList<OnnxTensorSpec> Outputs { get; }

        /// <summary>The model's custom metadata (key/value pairs stored by the exporter).</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>Opens <paramref name="path"/> (weights in external data files beside it are found by ONNX Runtime).</summary>
        /// <exception cref="ModelConfigException">The file is missing or ONNX Runtime cannot load it (the message names the file).</exception>
        public static OnnxModel Load(string path, OnnxSessionSettings? settings = null)
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new ModelConfigException($"ONNX model not found: {full}.");
            }

            return Create(options => new InferenceSession(full, options), full, settings);
        }

        /// <summary>Opens a model held in memory; <paramref name="name"/> is used in messages.</summary>
        public static OnnxModel FromBytes(byte[] model, string name, OnnxSessionSettings? settings = null) =>
            Create(options => new InferenceSession(model, options), name, settings);

        /// <summary>The first input whose name is one of <paramref name="names"/>, or null.</summary>
        public OnnxTensorSpec? FindInput(params string[] names) => Inputs.FirstOrDefault(i => names.Contains(i.Name, StringComparer.Ordinal));

        /// <summary>The first input whose name is one of <paramref name="names"/>.</summary>
        /// <exception cref="ModelConfigException">There is none: the message names the file, what was looked for and what the model has.</exception>
        public OnnxTensorSpec RequireInput(string role, params string[] names) =>
            FindInput(names) ?? throw new ModelConfigException(
                $"{Name} has no {role} input (looked for {string.Join(" or ", names.Select(n => "'" + n + "'"))}); its inputs are {string.Join(", ", Inputs)}. Is it the right model for this folder?");

        /// <summary>The output named one of <paramref name="names"/>, else the model's only output.</summary>
        /// <exception cref="ModelConfigException">No output matches and the model has several.</exception>
        public OnnxTensorSpec RequireOutput(string role, params string[] names) =>
            Outputs.FirstOrDefault(o => names.Contains(o.Name, StringComparer.Ordinal))
            ?? (Outputs.Count == 1 ? Outputs[0] : null)
            ?? throw new ModelConfigException(
                $"{Name} has no {role} output (looked for {string.Join(" or ", names.Select(n => "'" + n + "'"))}); its outputs are {string.Join(", ", Outputs)}.");

        /// <summary>Ends the session; on glibc Linux the memory it freed is given back to the system (see <see cref="NativeHeap"/>).</summary>
        public void Dispose()
        {
            Session.Dispose();
            NativeHeap.ReturnFreePages();
        }

        private static OnnxModel Create(Func<SessionOptions, InferenceSession> open, string name, OnnxSessionSettings? settings)
        {
            using SessionOptions options = (settings ?? OnnxSessionSettings.Default).CreateOptions(out ExecutionProviderReport report);
            InferenceSession session;
            try
            {
                session = open(options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new ModelConfigException($"ONNX Runtime could not load {name}: {e.Message}", e);
            }

            return new OnnxModel(session, name, report);
        }

        private static OnnxTensorSpec Spec(string name, NodeMetadata metadata) =>
            new OnnxTensorSpec(name, metadata.ElementDataType, metadata.Dimensions.Select(d => (long)d).ToArray());
    }
}
