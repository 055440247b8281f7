#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using LiveDiffusion.Pipelines.Guidance;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// The one denoising loop of the texture and Stable Diffusion pipelines: per timestep, scale the latents, let the
    /// guider make the prediction, step the scheduler, let the pipeline adjust the result (inpainting), report the step.
    /// </summary>
    internal static class DenoisingLoop
    {
        /// <summary>
        /// Denoises <paramref name="latents"/> in place over <paramref name="timesteps"/> (the scheduler's, already set).
        /// <paramref name="afterStep"/> sees each step's index after the scheduler's step; <paramref name="onStep"/> sees
        /// every step's x_t and predicted x0; <paramref name="cancellation"/> is checked before every step.
        /// </summary>
        /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
        public static void Run(Scheduler scheduler, IReadOnlyList<float> timesteps, TensorBuffer latents, Guider guider, GuidedPrediction prediction,
            PerImageNoise stepNoise, Action<int>? afterStep, Action<DenoisingStep>? onStep, CancellationToken cancellation)
        {
            var predictedOriginal = latents.CreateLike();
            var step = new DenoisingStep(latents, predictedOriginal) { Count = timesteps.Count };
            var clock = Stopwatch.StartNew();
            for (int index = 0; index < timesteps.Count; index++)
            {
                cancellation.ThrowIfCancellationRequested();
                long started = clock.ElapsedTicks;
                float t = timesteps[index];
                scheduler.ScaleModelInput(latents, t, prediction.Scaled);
                guider.Predict(prediction, t);
                scheduler.Step(prediction.Prediction, t, latents, latents, predictedOriginal, stepNoise);
                afterStep?.Invoke(index);
                onStep?.Invoke(step.Report(index, t, clock, started));
            }
        }
    }
}
