#nullable enable
using System;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// A depth image for depth-to-image: one value per pixel, any scale and any resolution (in an engine, the depth
    /// buffer). The pipeline resizes it to the latent size and normalises it to [-1, 1] per image, as diffusers does.
    /// </summary>
    public sealed class DepthMap
    {
        /// <summary>Wraps <paramref name="values"/> (row-major, <paramref name="width"/> × <paramref name="height"/>).</summary>
        public DepthMap(int width, int height, float[] values)
        {
            if (width <= 0 || height <= 0 || values == null || values.Length != width * height)
            {
                throw new ArgumentException($"A depth map of {width}x{height} needs {width * height} values, not {values?.Length ?? 0}.", nameof(values));
            }

            Width = width;
            Height = height;
            Values = values;
        }

        /// <summary>Width in pixels.</summary>
        public int Width { get; }

        /// <summary>Height in pixels.</summary>
        public int Height { get; }

        /// <summary>Depth values, row-major.</summary>
        public float[] Values { get; }
    }
}
