// Watch the built-in model denoise a texture step by step: a window where a display exists ($DISPLAY or
// $WAYLAND_DISPLAY), a PNG per step in live-frames/ otherwise. The denoiser publishes each step into a frame channel
// and never waits; the viewer draws the newest frame on its own thread. Usage: LiveViewer [floor|wall] [seed] [steps]
using System;
using System.Collections.Generic;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Torch.Models;

string className = args.Length > 0 ? args[0] : "floor";
ulong seed = args.Length > 1 ? ulong.Parse(args[1]) : 42;
int steps = args.Length > 2 ? int.Parse(args[2]) : 25;
var request = new TextureRequest { ClassName = className, Seed = seed, Steps = steps, GuidanceScale = 1.5f };

using TextureGenerator generator = TorchTextureGenerator.Load();     // the built-in model
using var channel = new DenoisingFrameChannel();                      // newest frame wins
var options = new LiveViewerOptions { Model = "dungeon-textures", Seed = seed.ToString() };
GeneratedTextures result;
bool display = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
if (display)
{
    using LiveViewer viewer = LiveViewer.Open(channel, options);      // a GLFW window on its own thread
    try
    {
        result = generator.Generate(request, channel.Publish, viewer.Closed);   // closing the window cancels
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("window closed: generation cancelled");
        return 1;
    }

    channel.Complete();
    viewer.WaitForExit(TimeSpan.FromMinutes(1));
    Console.WriteLine($"the window showed {viewer.FramesShown} of {channel.Published} steps");
}
else
{
    using var writer = new HeadlessFrameWriter(channel, "live-frames", options);   // EGL, no display needed
    result = generator.Generate(request, channel.Publish);
    channel.Complete();
    writer.WaitForCompletion(TimeSpan.FromMinutes(1));
    Console.WriteLine($"no display: wrote {writer.Written} of {channel.Published} steps to live-frames/ and {string.Join(", ", writer.ContactSheets)}");
}

string file = $"{className}-{seed}.png";
PngFile.Write(file, result.Images[0], new Dictionary<string, string> { ["parameters"] = result.Recipes[0] });
Console.WriteLine($"wrote {file}");
return 0;
