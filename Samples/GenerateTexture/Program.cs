// Generate a seamless texture with the built-in model, the way an engine script would: load once, ask for a class,
// a seed and a size, get pixels back. Usage: GenerateTexture [floor|wall] [seed] [size]
using System;
using System.Collections.Generic;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Torch.Models;

string className = args.Length > 0 ? args[0] : "floor";
ulong seed = args.Length > 1 ? ulong.Parse(args[1]) : 42;
int size = args.Length > 2 ? int.Parse(args[2]) : 32;

using TextureGenerator generator = TorchTextureGenerator.Load();   // the built-in model; pass a folder for your own
GeneratedTextures result = generator.Generate(new TextureRequest
{
    ClassName = className,
    Seed = seed,
    Size = size,
    Steps = generator.RecommendedSteps,                              // the steps its guidance was tuned for (built in: 40)
    AutoguidanceScale = generator.RecommendedAutoguidanceScale,     // the model's guide UNet; or GuidanceScale = 1.5f (CFG)
    GuidanceInterval = generator.RecommendedGuidanceInterval,       // the steps it guides (built in: timesteps 0..400)
});

RgbImage texture = result.Images[0];                                 // 8-bit RGB, ready for a texture upload
string file = $"{className}-{seed}.png";
PngFile.Write(file, texture, new Dictionary<string, string> { ["parameters"] = result.Recipes[0] });
PngFile.Write($"{className}-{seed}-tiled.png", texture.ScaleNearest(4).Tile(3, 3));  // see the seams (there are none)
Console.WriteLine($"wrote {file} ({texture.Width}x{texture.Height}) and a 3x3 tiled preview; recipe:\n{result.Recipes[0]}");
