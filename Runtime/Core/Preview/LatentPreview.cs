#nullable enable
using System;
using System.Collections.Generic;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Preview
{
    /// <summary>
    /// The colour math of live previews on the CPU: the same formulas the viewer's shaders run, for consumers without
    /// a GPU (a web panel, a PNG writer) and as the reference the GL tests compare against.
    /// </summary>
    public static class LatentPreview
    {
        private static readonly float[] SdFactors =
        {
            // R        G        B        (one row per latent channel)
            0.3512f, 0.2297f, 0.3227f,
            0.3250f, 0.4974f, 0.2350f,
            -0.2829f, 0.1762f, 0.2721f,
            -0.2120f, -0.2616f, -0.7177f,
        };

        /// <summary>
        /// The SD 1.x latent-to-RGB matrix, row-major 4x3: row c holds the (R, G, B) contribution of latent channel c.
        /// RGB = sum over c of latent[c] * row c, then clamped to [-1, 1] and mapped to [0, 1].
        /// </summary>
        public static IReadOnlyList<float> StableDiffusion1Factors => SdFactors;

        /// <summary>
        /// Colour in [0, 1] of one element whose channel values are <paramref name="values"/> (one per
        /// channel; at most 4 are read) under <paramref name="encoding"/>. Pixels: 1 channel is grey, otherwise the
        /// first three are R, G, B (a missing channel is 0).
        /// </summary>
        public static (float R, float G, float B) ToRgb(ReadOnlySpan<float> values, LatentEncoding encoding)
        {
            float v0 = values.Length > 0 ? values[0] : 0f;
            float v1 = values.Length > 1 ? values[1] : 0f;
            float v2 = values.Length > 2 ? values[2] : 0f;
            float v3 = values.Length > 3 ? values[3] : 0f;
            if (encoding == LatentEncoding.StableDiffusion1)
            {
                float r = (v0 * SdFactors[0]) + (v1 * SdFactors[3]) + (v2 * SdFactors[6]) + (v3 * SdFactors[9]);
                float g = (v0 * SdFactors[1]) + (v1 * SdFactors[4]) + (v2 * SdFactors[7]) + (v3 * SdFactors[10]);
                float b = (v0 * SdFactors[2]) + (v1 * SdFactors[5]) + (v2 * SdFactors[8]) + (v3 * SdFactors[11]);
                return (Unit(r), Unit(g), Unit(b));
            }

            if (values.Length == 1)
            {
                float grey = Unit(v0);
                return (grey, grey, grey);
            }

            return (Unit(v0), Unit(v1), Unit(v2));
        }

        /// <summary>
        /// The false colour of one channel value: <c>t = clamp(value / range, -1, 1)</c>; white at 0, red at +range,
        /// blue at -range: (1 - max(-t, 0), 1 - |t|, 1 - max(t, 0)).
        /// </summary>
        public static (float R, float G, float B) FalseColor(float value, float range)
        {
            float t = Math.Min(Math.Max(value / range, -1f), 1f);
            return (1f - Math.Max(-t, 0f), 1f - Math.Abs(t), 1f - Math.Max(t, 0f));
        }

        /// <summary>A colour in [0, 1] as an 8-bit value, rounded to nearest (as OpenGL stores it into an 8-bit framebuffer).</summary>
        public static byte ToByte(float unit) => (byte)(unit <= 0f ? 0 : unit >= 1f ? 255 : (int)((unit * 255f) + 0.5f));

        /// <summary>
        /// Batch item <paramref name="item"/> of a frame as an 8-bit RGB image: x0 when <paramref name="predictedOriginal"/>,
        /// else x_t, coloured by <paramref name="encoding"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="item"/> is outside the batch, or the frame is empty.</exception>
        public static RgbImage ToImage(DenoisingFrame frame, bool predictedOriginal, int item, LatentEncoding encoding)
        {
            if (frame == null)
            {
                throw new ArgumentNullException(nameof(frame));
            }

            if ((uint)item >= (uint)frame.Batch)
            {
                throw new ArgumentOutOfRangeException(nameof(item), $"Item {item} is outside the frame's batch [0, {frame.Batch}).");
            }

            ReadOnlySpan<float> tensor = predictedOriginal ? frame.PredictedOriginal : frame.Latents;
            int channels = Math.Min(frame.Channels, 4);
            int plane = frame.PlaneLength;
            ReadOnlySpan<float> data = tensor.Slice(item * frame.Channels * plane, frame.Channels * plane);
            var image = new RgbImage(frame.Width, frame.Height, 3);
            Span<float> values = stackalloc float[4];
            for (int p = 0; p < plane; p++)
            {
                for (int c = 0; c < channels; c++)
                {
                    values[c] = data[(c * plane) + p];
                }

                var (r, g, b) = ToRgb(values.Slice(0, channels), encoding);
                image.Pixels[p * 3] = ToByte(r);
                image.Pixels[(p * 3) + 1] = ToByte(g);
                image.Pixels[(p * 3) + 2] = ToByte(b);
            }

            return image;
        }

        /// <summary>A value in [-1, 1] (clamped) as a colour in [0, 1].</summary>
        internal static float Unit(float v) => (Math.Min(Math.Max(v, -1f), 1f) * 0.5f) + 0.5f;
    }
}
