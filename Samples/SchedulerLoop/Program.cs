// The denoising loop every LiveDiffusion pipeline runs, written out by hand: pick a scheduler (by name or from a
// diffusers scheduler_config.json), start from seeded noise, and at each timestep ask a model for its prediction.
// The "model" here is the exact noise predictor for a single known image (a checkerboard), so any scheduler must
// land on that image: swap schedulers and step counts and watch the error.
using System;
using LiveDiffusion;
using LiveDiffusion.Schedulers;

string name = args.Length > 0 ? args[0] : "dpm++2m";
int steps = args.Length > 1 ? int.Parse(args[1]) : 20;
SchedulerConfig config = name.EndsWith(".json") ? SchedulerConfig.Load(name) : SchedulerRegistry.DefaultConfig(name);
Scheduler scheduler = config.CreateScheduler();

var target = new TensorBuffer(1, 3, 16, 16);
for (int i = 0; i < target.Length; i++) target.Span[i] = ((i % 16) / 4 + (i / 16 % 16) / 4) % 2 == 0 ? 0.8f : -0.8f;

var noise = new NoiseGenerator(seed: 7);
var latents = target.CreateLike();
noise.FillGaussian(latents);
scheduler.SetTimesteps(steps);
System.Numerics.Tensors.TensorPrimitives.Multiply(latents.Span, scheduler.InitNoiseSigma, latents.Span);

var modelInput = latents.CreateLike();
var epsilon = latents.CreateLike();
var x0 = latents.CreateLike();
foreach (float t in scheduler.Timesteps)
{
    scheduler.ScaleModelInput(latents, t, modelInput);
    ExactEpsilon(scheduler, latents, t, target, epsilon);           // your UNet goes here
    scheduler.Step(epsilon, t, latents, latents, x0, noise);          // x_t -> x_{t-1}, and x0 for the preview
}

double error = 0;
for (int i = 0; i < target.Length; i++) error = Math.Max(error, Math.Abs(latents.Span[i] - target.Span[i]));
Console.WriteLine($"{scheduler.Name}, {steps} steps: max |result - target| = {error:F4}");
return error < 0.05 ? 0 : 1;

// ε that a perfect model would predict for x_t when the data set is the one image `target`.
static void ExactEpsilon(Scheduler s, TensorBuffer xt, float t, TensorBuffer target, TensorBuffer eps)
{
    // σ-parameterised schedulers (Euler): x_t = x0 + σ ε. ᾱ-parameterised ones: x_t = √ᾱ x0 + √(1-ᾱ) ε.
    double alphaBar = s.AlphasCumprod[(int)Math.Round(Math.Min(t, s.AlphasCumprod.Count - 1))];
    if (s is SigmaScheduler sigmaScheduler)
    {
        double sigma = sigmaScheduler.Sigmas[s.StepIndex < 0 ? 0 : s.StepIndex];
        for (int i = 0; i < eps.Length; i++) eps.Span[i] = (float)((xt.Span[i] - target.Span[i]) / sigma);
    }
    else
    {
        for (int i = 0; i < eps.Length; i++) eps.Span[i] = (float)((xt.Span[i] - Math.Sqrt(alphaBar) * target.Span[i]) / Math.Sqrt(1 - alphaBar));
    }
}
