// Text-to-image from a Stable Diffusion ONNX folder (a diffusers or Optimum export):
//   dotnet run -- <model folder> "a mossy dungeon floor, top-down, seamless" [seed] [steps]
// Prints progress per step; Ctrl+C stops after the current step.
using System;
using System.Collections.Generic;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: TextToImage <model folder> <prompt> [seed] [steps]");
    return 2;
}

ulong seed = args.Length > 2 ? ulong.Parse(args[2]) : 1;
int steps = args.Length > 3 ? int.Parse(args[3]) : 25;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

StableDiffusionOnnxFolder folder = StableDiffusionOnnxFolder.Open(args[0]);
StableDiffusionPipeline pipeline = folder.CreatePipeline("euler-a", settings: null, out IReadOnlyList<IDisposable> parts);
try
{
    Console.WriteLine($"{pipeline.ModelName}: {pipeline.UNet.Info.Name}");
    var request = new StableDiffusionRequest { Prompt = args[1], Seed = seed, Steps = steps, Width = 512, Height = 512 };
    StableDiffusionResult result = pipeline.Generate(request,
        step => Console.WriteLine($"step {step.Index + 1}/{step.Count}  t={step.Timestep:F0}  {step.StepTime.TotalMilliseconds:F0} ms"),
        cancel.Token);
    foreach (string warning in result.Warnings)
    {
        Console.WriteLine("warning: " + warning);
    }

    string file = $"text-to-image-{seed}.png";
    PngFile.Write(file, result.Images[0], new Dictionary<string, string> { ["parameters"] = result.Recipes[0] });
    Console.WriteLine($"wrote {file}");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled.");
    return 130;
}
finally
{
    foreach (IDisposable part in parts)
    {
        part.Dispose();
    }
}
