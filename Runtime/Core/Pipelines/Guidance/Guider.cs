#nullable enable
using System;

namespace LiveDiffusion.Pipelines.Guidance
{
    /// <summary>
    /// How the prediction a scheduler steps with is made from one or more model predictions, after diffusers' guiders:
    /// <see cref="NoGuidance"/>, <see cref="ClassifierFreeGuidance"/> and <see cref="Autoguidance"/>. A guider owns its
    /// scale, its interval (the timesteps at which it guides; elsewhere the model's conditional prediction is used as
    /// it is), the batch layout of its model calls and the step that combines their outputs. Guiders hold no buffers and
    /// may be shared between generations and threads.
    /// </summary>
    public abstract class Guider
    {
        /// <summary>Creates a guider with a scale (≥ 0, finite) and an optional interval LOW..HIGH (LOW ≤ HIGH) in timesteps.</summary>
        /// <exception cref="ArgumentOutOfRangeException">The scale is negative or not finite, or the interval is reversed or not finite.</exception>
        protected Guider(float scale, (float Low, float High)? interval)
        {
            if (!(scale >= 0) || float.IsInfinity(scale))
            {
                throw new ArgumentOutOfRangeException(nameof(scale), $"Guidance scale {scale}: use a finite scale of 0 or more (1 takes the model's prediction as it is).");
            }

            if (interval is { } i && (!(i.Low <= i.High) || float.IsInfinity(i.Low) || float.IsInfinity(i.High)))
            {
                throw new ArgumentOutOfRangeException(nameof(interval), $"Guidance interval {i.Low}..{i.High}: write LOW..HIGH timesteps with LOW <= HIGH.");
            }

            Scale = scale;
            Interval = interval;
        }

        /// <summary>The guidance scale w: the result is weak + w · (strong − weak); 1 is the strong prediction alone.</summary>
        public float Scale { get; }

        /// <summary>The timesteps t with Low ≤ t ≤ High at which this guider guides; null: every step.</summary>
        public (float Low, float High)? Interval { get; }

        /// <summary>
        /// Model rows per image in a step where the guider is active: 2 where an unconditional branch is batched after
        /// the conditional one (classifier-free guidance), else 1.
        /// </summary>
        public virtual int RowsPerImage => 1;

        /// <summary>Whether the guider evaluates a second, weaker model (autoguidance).</summary>
        public virtual bool UsesGuideModel => false;

        /// <summary>Whether the guider guides at <paramref name="timestep"/> (inside its interval, or always without one).</summary>
        public bool IsActiveAt(float timestep) => Interval is not { } i || (timestep >= i.Low && timestep <= i.High);

        /// <summary>Makes this step's prediction in <see cref="GuidedPrediction.Prediction"/> from the scaled latents in <see cref="GuidedPrediction.Scaled"/>.</summary>
        internal abstract void Predict(GuidedPrediction step, float timestep);
    }
}
