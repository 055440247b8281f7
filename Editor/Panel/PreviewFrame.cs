using LiveDiffusion.Imaging;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>One denoising step of the live preview, as images: the model's current guess of the clean result (x0) and the noisy sample (x_t).</summary>
    /// <param name="Index">0-based denoising step.</param>
    /// <param name="Count">Denoising steps of this preview.</param>
    /// <param name="Timestep">The timestep the model was evaluated at.</param>
    /// <param name="WeightsStep">The training step whose EMA weights are denoising.</param>
    /// <param name="PredictedOriginal">x0 of the first image.</param>
    /// <param name="Latents">x_t of the first image.</param>
    internal sealed record PreviewFrame(int Index, int Count, float Timestep, long WeightsStep, RgbImage PredictedOriginal, RgbImage Latents);
}
