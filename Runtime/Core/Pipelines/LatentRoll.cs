#nullable enable
using System;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Seamless output from a model whose convolutions pad with zeros: before each model call the latents are rolled
    /// (shifted circularly) by a fresh random offset, and the model's output is rolled back after it. The image edges
    /// then sit inside the model's view at almost every step, so they are denoised as interior content and the result
    /// wraps around; the model's own border sits somewhere else each step and averages out. Used by
    /// <see cref="StableDiffusionPipeline"/> (ONNX convolutions cannot switch to wrap padding at run time) and by
    /// <see cref="UnconditionalPipeline"/> for zero-padded texture models.
    /// </summary>
    internal sealed class LatentRoll
    {
        private readonly NoiseGenerator _offsets;
        private readonly float[] _scratch;
        private int _dy;
        private int _dx;

        public LatentRoll(ulong seed, int height, int width)
        {
            _offsets = new NoiseGenerator(seed);
            _scratch = new float[height * width];
            Height = height;
            Width = width;
        }

        public int Height { get; }

        public int Width { get; }

        /// <summary>Draws this step's offset and rolls the model input by it.</summary>
        public void Forward(TensorBuffer modelInput)
        {
            _dy = (int)(_offsets.NextUInt64() % (ulong)Height);
            _dx = (int)(_offsets.NextUInt64() % (ulong)Width);
            Roll(modelInput, _dy, _dx, _scratch);
        }

        /// <summary>Rolls the model output back by this step's offset.</summary>
        public void Back(TensorBuffer modelOutput) => Roll(modelOutput, Height - _dy, Width - _dx, _scratch);

        /// <summary>Rolls every plane down by <paramref name="dy"/> rows and right by <paramref name="dx"/> columns (torch.roll on the last two axes).</summary>
        public static void Roll(TensorBuffer buffer, int dy, int dx, float[] scratch)
        {
            int h = buffer.Height, w = buffer.Width;
            dy %= h;
            dx %= w;
            if (dy == 0 && dx == 0)
            {
                return;
            }

            for (int i = 0; i < buffer.Batch; i++)
            {
                for (int c = 0; c < buffer.Channels; c++)
                {
                    Span<float> plane = buffer.Plane(i, c);
                    for (int y = 0; y < h; y++)
                    {
                        Span<float> source = plane.Slice(y * w, w);
                        Span<float> target = scratch.AsSpan(((y + dy) % h) * w, w);
                        source.Slice(w - dx).CopyTo(target);
                        source.Slice(0, w - dx).CopyTo(target.Slice(dx));
                    }

                    scratch.AsSpan(0, plane.Length).CopyTo(plane);
                }
            }
        }
    }
}
