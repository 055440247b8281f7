using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Torch.Models
{
    /// <summary>Opens a model folder (or the built-in texture model) with the TorchSharp backend.</summary>
    public static class TorchTextureGenerator
    {
        /// <summary>
        /// Loads <paramref name="modelFolder"/>, or the built-in texture model when null, with its guide UNet when the
        /// folder has one (then <see cref="TextureGenerator.RecommendedAutoguidanceScale"/> is the folder's scale).
        /// </summary>
        public static TextureGenerator Load(string? modelFolder = null) => Load(ModelFolder.Open(modelFolder ?? BuiltInModels.Locate()));

        /// <summary>Loads an opened model folder, with its guide UNet when it has one.</summary>
        public static TextureGenerator Load(ModelFolder folder)
        {
            TorchDenoiser denoiser = TorchDenoiser.Load(folder.UNetFolder, folder.Scheduler.PredictionType);
            TorchDenoiser? guide = null;
            try
            {
                guide = folder.GuideUNet != null ? TorchDenoiser.Load(folder.GuideUNetFolder, folder.Scheduler.PredictionType) : null;
                return new TextureGenerator(folder, denoiser, guide);
            }
            catch
            {
                denoiser.Dispose();
                guide?.Dispose();
                throw;
            }
        }
    }
}
