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

        /// <summary>
        /// Loads an opened model folder, with its guide UNet when it has one: the one way to open a texture model with
        /// TorchSharp. A folder from <see cref="ModelFolder.WithPadding"/> runs with that padding, and one from
        /// <see cref="ModelFolder.WithGuide"/> with that guide.
        /// </summary>
        /// <exception cref="ModelConfigException">A UNet's configuration or weights are missing or do not match.</exception>
        public static TextureGenerator Load(ModelFolder folder)
        {
            var denoiser = new TorchDenoiser(UNet2D.Load(folder.UNetFolder, folder.UNet.PaddingMode), ownsModel: true, folder.Scheduler.PredictionType);
            TorchDenoiser? guide = null;
            try
            {
                guide = folder.GuideUNet != null
                    ? new TorchDenoiser(UNet2D.Load(folder.GuideUNetFolder, folder.GuideUNet.PaddingMode), ownsModel: true, folder.Scheduler.PredictionType)
                    : null;
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
