#nullable enable
using System.Collections.Generic;
using LiveDiffusion.Imaging;

namespace LiveDiffusion.Pipelines
{
    /// <summary>What <see cref="StableDiffusionPipeline.Generate"/> returns.</summary>
    /// <param name="Images">The decoded images.</param>
    /// <param name="Recipes">Each image's recipe in the <c>parameters</c> text form.</param>
    /// <param name="Latents">The final latents in the scaled space the UNet works in (before dividing by the VAE scaling factor).</param>
    public sealed record StableDiffusionResult(IReadOnlyList<RgbImage> Images, IReadOnlyList<string> Recipes, TensorBuffer Latents)
    {
        /// <summary>What the caller should know, such as prompt text cut at the token limit.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = System.Array.Empty<string>();
    }
}
