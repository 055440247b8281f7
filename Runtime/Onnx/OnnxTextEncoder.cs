#nullable enable
using System;
using LiveDiffusion.Models;
using Microsoft.ML.OnnxRuntime;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// CLIP's text encoder through ONNX Runtime: <c>input_ids</c> (int32 or int64, as the export declares) to
    /// <c>last_hidden_state</c> [batch, tokens, width]. The width is read from the output metadata, or from a first
    /// run when the export leaves it dynamic.
    /// </summary>
    public sealed class OnnxTextEncoder : ITextEncoder
    {
        private readonly OnnxModel _model;
        private readonly OnnxTensorValue _ids;
        private readonly OnnxTensorSpec _output;

        /// <summary>Wraps a text encoder model (owned: disposed with this).</summary>
        /// <exception cref="ModelConfigException">The model lacks <c>input_ids</c> or a hidden-state output.</exception>
        public OnnxTextEncoder(OnnxModel model, int maxTokens = 77)
        {
            _model = model ?? throw new ArgumentNullException(nameof(model));
            _ids = new OnnxTensorValue(model.RequireInput("token ids", "input_ids"));
            _output = model.RequireOutput("hidden states", "last_hidden_state");
            MaxTokens = (int)(_ids.Spec.Fixed(1) ?? maxTokens);
            Width = (int)(_output.Fixed(2) ?? ProbeWidth());
        }

        /// <inheritdoc />
        public int MaxTokens { get; }

        /// <inheritdoc />
        public int Width { get; }

        /// <summary>The session.</summary>
        public OnnxModel Model => _model;

        /// <inheritdoc />
        public void Encode(int[][] ids, TextEmbeddings output)
        {
            if (output.Batch != ids.Length || output.Tokens != MaxTokens || output.Width != Width)
            {
                throw new ArgumentException($"Output must be [{ids.Length}, {MaxTokens}, {Width}], not {output.ShapeString}.", nameof(output));
            }

            _ids.Shape(ids.Length, MaxTokens);
            for (int i = 0; i < ids.Length; i++)
            {
                if (ids[i].Length != MaxTokens)
                {
                    throw new ArgumentException($"Prompt {i} has {ids[i].Length} token ids; the encoder takes exactly {MaxTokens} (pad with the tokenizer).", nameof(ids));
                }

                _ids.Set(ids[i], i * MaxTokens);
            }

            using var outputValue = new OnnxTensorValue(_output);
            outputValue.Shape(ids.Length, MaxTokens, Width);
            _model.Session.Run(new RunOptions(), new[] { _ids.Spec.Name }, new[] { _ids.Value! }, new[] { _output.Name }, new[] { outputValue.Value! });
            outputValue.CopyTo(output.Array);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _ids.Dispose();
            _model.Dispose();
        }

        private long ProbeWidth()
        {
            _ids.Shape(1, MaxTokens);
            using IDisposableReadOnlyCollection<OrtValue> results = _model.Session.Run(new RunOptions(), new[] { _ids.Spec.Name }, new[] { _ids.Value! }, new[] { _output.Name });
            long[] shape = results[0].GetTensorTypeAndShape().Shape;
            return shape[2];
        }
    }
}
