using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>Opens a model folder (or the built-in texture model) with the TorchSharp backend.</summary>
    public static class TorchTextureGenerator
    {
        /// <summary>Loads <paramref name="modelFolder"/>, or the built-in texture model when null.</summary>
        public static TextureGenerator Load(string? modelFolder = null)
        {
            ModelFolder folder = ModelFolder.Open(modelFolder ?? BuiltInModels.Locate());
            TorchDenoiser denoiser = TorchDenoiser.Load(folder.UNetFolder, folder.Scheduler.PredictionType);
            return new TextureGenerator(folder, denoiser);
        }
    }
}
