using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary>
    /// <c>livediffusion guide</c>: attaches a guide UNet to a model folder for autoguidance (the guide is a smaller,
    /// shorter-trained model of the same data; generation then extrapolates from the guide's prediction towards the model's).
    /// </summary>
    internal static class GuideCommand
    {
        public static Command Create()
        {
            var model = new Option<string>("--model") { Description = "The model folder to attach the guide to (written by `livediffusion train`).", Required = true };
            var guide = new Option<string>("--guide") { Description = "The guide's model folder: trained on the same data with the same classes, padding and prediction type, smaller and for fewer steps.", Required = true };
            var scale = new Option<float>("--scale") { Description = "The autoguidance scale `generate` and `evaluate` use by default; measure it with `livediffusion evaluate --guide-model <guide> --autoguidance <scale>`.", Required = true };
            var interval = new Option<string?>("--interval") { Description = "Autoguide only at timesteps LOW..HIGH (e.g. 0..400) by default; measure with `evaluate --guidance-interval`. Default: every step." };
            var steps = new Option<int?>("--steps") { Description = "The denoising steps the scale and interval were measured at (`evaluate --steps`), recorded as the folder's default for `generate` and `evaluate`. Default: leave the folder's as it is." };
            var command = new Command("guide", "Attach a guide UNet to a model folder (guide_unet/) for autoguidance: generation steers away from what the weaker guide predicts.")
            {
                model, guide, scale, interval, steps,
            };
            command.SetAction(parse =>
            {
                try
                {
                    string? text = parse.GetValue(interval);
                    ModelFolder folder = ModelFolder.AttachGuide(parse.GetValue(model)!, parse.GetValue(guide)!, parse.GetValue(scale), text == null ? null : GuidanceIntervals.Parse(text), parse.GetValue(steps));
                    string at = folder.AutoguidanceInterval is { } range ? $" at timesteps {GuidanceIntervals.Format(range)}" : string.Empty;
                    Console.WriteLine($"{folder.GuideUNetFolder}: guide attached ({string.Join("/", folder.GuideUNet!.BlockOutChannels)} channels); autoguidance {folder.AutoguidanceScale.ToString(CultureInfo.InvariantCulture)}{at}{(folder.SamplingSteps is { } n ? $" with {n} steps" : string.Empty)} is now the default of `generate --model {folder.Path}`.");
                    return 0;
                }
                catch (Exception e) when (e is ModelConfigException || e is ArgumentException || e is FormatException || e is IOException || e is UnauthorizedAccessException)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }
            });
            return command;
        }
    }
}
