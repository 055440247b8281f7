#nullable enable
using System;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// Counts the floating-point operations of one UNet2D forward pass from its configuration: 2 per multiply-add in
    /// every convolution, linear layer and attention product (QKᵀ and AV). Norms, activations and additions are not
    /// counted (they are a few percent and not what a GEMM rate measures). A training step is about 3x a forward pass
    /// (backward computes gradients for inputs and weights).
    /// </summary>
    public static class UNet2DFlops
    {
        /// <summary>FLOPs of one forward pass on a [batch, in, height, width] sample.</summary>
        public static double Forward(UNet2DConfig c, int batch, int height, int width)
        {
            double total = 0;
            int temb = c.TimeEmbedDim;
            int ch0 = c.BlockOutChannels[0];
            total += Linear(ch0, temb, 1) + Linear(temb, temb, 1);
            total += Conv(c.InChannels, ch0, 3, height, width);

            int h = height, w = width;
            int output = ch0;
            int blocks = c.BlockOutChannels.Count;
            var skipChannels = new System.Collections.Generic.List<int> { ch0 };
            for (int i = 0; i < blocks; i++)
            {
                int input = output;
                output = c.BlockOutChannels[i];
                bool attention = c.DownBlockTypes[i] == "AttnDownBlock2D";
                for (int j = 0; j < c.LayersPerBlock; j++)
                {
                    total += Resnet(j == 0 ? input : output, output, temb, h, w);
                    if (attention)
                    {
                        total += Attention(output, h * w);
                    }

                    skipChannels.Add(output);
                }

                if (i < blocks - 1)
                {
                    h /= 2;
                    w /= 2;
                    total += Conv(output, output, 3, h, w);
                    skipChannels.Add(output);
                }
            }

            int deepest = c.BlockOutChannels[blocks - 1];
            total += (2 * Resnet(deepest, deepest, temb, h, w)) + (c.AddAttention ? Attention(deepest, h * w) : 0);

            output = deepest;
            for (int i = 0; i < blocks; i++)
            {
                int previous = output;
                output = c.BlockOutChannels[blocks - 1 - i];
                bool attention = c.UpBlockTypes[i] == "AttnUpBlock2D";
                for (int j = 0; j < c.LayersPerBlock + 1; j++)
                {
                    int skip = skipChannels[skipChannels.Count - 1];
                    skipChannels.RemoveAt(skipChannels.Count - 1);
                    total += Resnet((j == 0 ? previous : output) + skip, output, temb, h, w);
                    if (attention)
                    {
                        total += Attention(output, h * w);
                    }
                }

                if (i < blocks - 1)
                {
                    h *= 2;
                    w *= 2;
                    total += Conv(output, output, 3, h, w);
                }
            }

            total += Conv(ch0, c.OutChannels, 3, h, w);
            return total * batch;
        }

        private static double Conv(int cin, int cout, int k, int h, int w) => 2.0 * cin * cout * k * k * h * w;

        private static double Linear(int cin, int cout, int tokens) => 2.0 * cin * cout * tokens;

        private static double Resnet(int cin, int cout, int temb, int h, int w) =>
            Conv(cin, cout, 3, h, w) + Conv(cout, cout, 3, h, w) + Linear(temb, cout, 1) + (cin != cout ? Conv(cin, cout, 1, h, w) : 0);

        private static double Attention(int channels, int tokens) =>
            (4 * Linear(channels, channels, tokens)) + (2 * 2.0 * tokens * (double)tokens * channels);
    }
}
