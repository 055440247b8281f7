// Train a small tileable texture model on your own folder of images, then generate with it.
// Usage: TrainYourOwn <image folder> [output folder] [steps]
// Subfolders of the image folder become classes (e.g. grass/, stone/); a flat folder trains an unconditional model.
using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: TrainYourOwn <image folder> [output folder] [steps]");
    return 2;
}

string output = args.Length > 1 ? args[1] : "my-model-run";
int steps = args.Length > 2 ? int.Parse(args[2]) : 300;
bool classes = Directory.GetDirectories(args[0]).Length >= 2;

var data = ImageFolderDataset.Load(args[0], new DatasetOptions { Size = 32, ClassConditional = classes });
Console.WriteLine($"{data.Count} images, {data.Skipped.Count} skipped, classes: {string.Join(", ", data.ClassNames.DefaultIfEmpty("none"))}");

UNet2DConfig config = ModelPresets.Create("tiny", 32, 3, PaddingMode.Circular, data.ClassNames);
var trainer = new DiffusionTrainer(data, config, new TrainingOptions { Steps = steps, BatchSize = 16, LearningRate = 5e-4, WarmupSteps = 50, CheckpointEvery = 100, SampleEvery = 100 }, output);
trainer.StepCompleted += s => { if (s.Step % 25 == 0) Console.WriteLine($"step {s.Step}/{s.TotalSteps} loss {s.SmoothedLoss:F4} ({s.ImagesPerSecond:F0} img/s)"); };
TrainingResult result = trainer.Run();

using TextureGenerator generator = TorchTextureGenerator.Load(result.ModelFolder);
GeneratedTextures textures = generator.Generate(new TextureRequest { Count = 4, Seed = 1, ClassName = data.ClassNames.FirstOrDefault() });
PngFile.Write(Path.Combine(output, "generated.png"), ContactSheet.Compose(textures.Images, scale: 4));
Console.WriteLine($"model: {result.ModelFolder}\nsamples: {Path.Combine(output, "generated.png")}");
return 0;
