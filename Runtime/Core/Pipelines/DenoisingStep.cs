#nullable enable
using System;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// One finished denoising step, as a pipeline reports it. The buffers belong to the pipeline and are valid only
    /// during the callback: copy what you keep (the frame channel does).
    /// </summary>
    public sealed class DenoisingStep
    {
        internal DenoisingStep(TensorBuffer latents, TensorBuffer predictedOriginal)
        {
            Latents = latents;
            PredictedOriginal = predictedOriginal;
        }

        /// <summary>Fills in step <paramref name="index"/> at <paramref name="timestep"/>, timed on <paramref name="clock"/> since <paramref name="startedTicks"/>, and returns it for the callback.</summary>
        internal DenoisingStep Report(int index, float timestep, System.Diagnostics.Stopwatch clock, long startedTicks)
        {
            Index = index;
            Timestep = timestep;
            Elapsed = clock.Elapsed;
            StepTime = TimeSpan.FromTicks((long)((clock.ElapsedTicks - startedTicks) * (TimeSpan.TicksPerSecond / (double)System.Diagnostics.Stopwatch.Frequency)));
            return this;
        }

        /// <summary>0-based index of the step.</summary>
        public int Index { get; internal set; }

        /// <summary>Total number of steps in this generation.</summary>
        public int Count { get; internal set; }

        /// <summary>The timestep the model was evaluated at.</summary>
        public float Timestep { get; internal set; }

        /// <summary>The sample after this step (x_{t-1}), NCHW.</summary>
        public TensorBuffer Latents { get; }

        /// <summary>The model's current estimate of the clean result (x0), NCHW: the frame worth showing.</summary>
        public TensorBuffer PredictedOriginal { get; }

        /// <summary>Time since the generation started.</summary>
        public TimeSpan Elapsed { get; internal set; }

        /// <summary>Time this step took (model call, guidance and scheduler).</summary>
        public TimeSpan StepTime { get; internal set; }
    }
}
