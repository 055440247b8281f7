namespace LiveDiffusion.Editor.Panel
{
    /// <summary>A model preset as the setup form shows it.</summary>
    /// <param name="Name">Preset name.</param>
    /// <param name="Description">What it is for.</param>
    /// <param name="Parameters">Trainable parameters at the requested size and classes.</param>
    /// <param name="ForwardGflopsPerImage">Floating-point work of one forward pass of one image, in GFLOP.</param>
    /// <param name="EstimatedStepMs">Measured time of one training step (forward, backward) at the requested batch on this machine, in ms; null until measured.</param>
    /// <param name="MeasuredBatch">The batch the step was timed at (the estimate scales it linearly to the requested batch).</param>
    public sealed record PresetInfo(string Name, string Description, long Parameters, double ForwardGflopsPerImage, double? EstimatedStepMs, int? MeasuredBatch);
}
