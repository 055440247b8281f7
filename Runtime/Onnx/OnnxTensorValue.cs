#nullable enable
using System;
using LiveDiffusion.IO;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// A preallocated input or output of one model argument in the element type the model declares (float, float16,
    /// int32 or int64), refilled each call and reallocated only when the shape changes: how the ONNX wrappers keep
    /// denoising steps free of per-call buffers while accepting whatever types an export chose.
    /// </summary>
    internal sealed class OnnxTensorValue : IDisposable
    {
        private float[]? _floats;
        private Float16[]? _halves;
        private int[]? _ints;
        private long[]? _longs;
        private long[] _shape = Array.Empty<long>();

        public OnnxTensorValue(OnnxTensorSpec spec)
        {
            Spec = spec;
            switch (spec.ElementType)
            {
                case TensorElementType.Float:
                case TensorElementType.Float16:
                case TensorElementType.Int32:
                case TensorElementType.Int64:
                    break;
                default:
                    throw new LiveDiffusion.Models.ModelConfigException($"'{spec.Name}' is {spec.ElementType}; LiveDiffusion feeds float, float16, int32 and int64 tensors.");
            }
        }

        public OnnxTensorSpec Spec { get; }

        public OrtValue? Value { get; private set; }

        /// <summary>Makes the value [<paramref name="shape"/>], reallocating only when the element count or shape changes.</summary>
        public void Shape(params long[] shape)
        {
            if (Value != null && shape.AsSpan().SequenceEqual(_shape))
            {
                return;
            }

            Value?.Dispose();
            _shape = (long[])shape.Clone();
            long count = 1;
            foreach (long d in shape)
            {
                count *= d;
            }

            switch (Spec.ElementType)
            {
                case TensorElementType.Float:
                    _floats = new float[count];
                    Value = OrtValue.CreateTensorValueFromMemory(_floats, _shape);
                    break;
                case TensorElementType.Float16:
                    _halves = new Float16[count];
                    Value = OrtValue.CreateTensorValueFromMemory(_halves, _shape);
                    break;
                case TensorElementType.Int32:
                    _ints = new int[count];
                    Value = OrtValue.CreateTensorValueFromMemory(_ints, _shape);
                    break;
                default:
                    _longs = new long[count];
                    Value = OrtValue.CreateTensorValueFromMemory(_longs, _shape);
                    break;
            }
        }

        /// <summary>Writes <paramref name="values"/> at element <paramref name="offset"/>, converting to the model's type.</summary>
        public void Set(ReadOnlySpan<float> values, int offset = 0)
        {
            switch (Spec.ElementType)
            {
                case TensorElementType.Float:
                    values.CopyTo(_floats.AsSpan(offset));
                    break;
                case TensorElementType.Float16:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _halves![offset + i] = new Float16(FloatFormats.ToHalf(values[i]));
                    }

                    break;
                case TensorElementType.Int32:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _ints![offset + i] = (int)Math.Round((double)values[i]);
                    }

                    break;
                default:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _longs![offset + i] = (long)Math.Round((double)values[i]);
                    }

                    break;
            }
        }

        /// <summary>Writes integers (token ids, class labels) at <paramref name="offset"/>, converting to the model's type.</summary>
        public void Set(ReadOnlySpan<int> values, int offset = 0)
        {
            switch (Spec.ElementType)
            {
                case TensorElementType.Int32:
                    values.CopyTo(_ints.AsSpan(offset));
                    break;
                case TensorElementType.Int64:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _longs![offset + i] = values[i];
                    }

                    break;
                case TensorElementType.Float:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _floats![offset + i] = values[i];
                    }

                    break;
                default:
                    for (int i = 0; i < values.Length; i++)
                    {
                        _halves![offset + i] = new Float16(FloatFormats.ToHalf(values[i]));
                    }

                    break;
            }
        }

        /// <summary>Reads the value as floats into <paramref name="destination"/>.</summary>
        public void CopyTo(Span<float> destination)
        {
            switch (Spec.ElementType)
            {
                case TensorElementType.Float:
                    _floats.AsSpan(0, destination.Length).CopyTo(destination);
                    break;
                case TensorElementType.Float16:
                    CopyHalves(_halves!, destination);
                    break;
                default:
                    throw new InvalidOperationException($"'{Spec.Name}' is {Spec.ElementType}, not a floating-point output.");
            }
        }

        /// <summary>Widens the first <c>destination.Length</c> float16 values (ONNX Runtime's <see cref="Float16"/>) to floats.</summary>
        internal static void CopyHalves(ReadOnlySpan<Float16> source, Span<float> destination)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = FloatFormats.FromHalf(source[i].value);
            }
        }

        public void Dispose()
        {
            Value?.Dispose();
            Value = null;
        }
    }
}
