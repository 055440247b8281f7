using System.Collections.Generic;
using LiveDiffusion.IO;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>Moves named TorchSharp tensors into safetensors files.</summary>
    public static class TorchWeights
    {
        /// <summary>Adds each tensor (copied to the host as contiguous float32) to <paramref name="writer"/> as <paramref name="prefix"/> + name.</summary>
        public static void Add(SafeTensorsWriter writer, string prefix, IEnumerable<(string Name, Tensor Tensor)> tensors)
        {
            foreach ((string name, Tensor t) in tensors)
            {
                using Tensor copy = t.detach().cpu().contiguous();
                writer.Add(prefix + name, t.shape, copy.data<float>().ToArray());
            }
        }
    }
}
