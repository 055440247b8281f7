using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Torch.Models;

namespace LiveDiffusion.Cli.Commands
{
    /// <summary><c>livediffusion export</c>: a trained model folder's UNet (and optionally TAESD) to ONNX for the runtime.</summary>
    internal static class ExportCommand
    {
        public static Command Create()
        {
            var model = new Option<string?>("--model") { Description = "Model folder to export (model_index.json, unet/config.json + safetensors). Default: the built-in model, which then needs --out." };
            var output = new Option<string?>("--out") { Description = "Write an ONNX model folder here (configs copied, unet/model.onnx written) instead of adding unet/model.onnx to --model." };
            var taesd = new Option<string?>("--taesd") { Description = "Also export TAESD from this folder (taesd_encoder/decoder.safetensors) to <out>/taesd_encoder/model.onnx and taesd_decoder/model.onnx." };
            var command = new Command("export", "Export a model to ONNX (opset 17, dynamic batch and size) in the layout the runtime reads; checks that ONNX Runtime loads it.")
            {
                model, output, taesd,
            };
            command.SetAction(parse =>
            {
                string? source = parse.GetValue(model);
                string? target = parse.GetValue(output);
                try
                {
                    ModelFolder folder = ModelFolder.Open(source ?? BuiltInModels.Locate());
                    if (source == null && target == null)
                    {
                        Console.Error.WriteLine("error: the built-in model ships inside the package; pass --out <folder> to export a copy of it.");
                        return 2;
                    }

                    string root = target != null ? Path.GetFullPath(target) : folder.Path;
                    if (target != null)
                    {
                        CopyConfigs(folder, root);
                    }

                    var clock = Stopwatch.StartNew();
                    OnnxGraphBuilder graph = UNet2DOnnxExporter.Build(folder);
                    string unetPath = Path.Combine(root, "unet", UNet2DOnnxExporter.FileName);
                    graph.Save(unetPath);
                    Report(unetPath, graph, clock);
                    if (folder.GuideUNet != null)
                    {
                        clock.Restart();
                        OnnxGraphBuilder guide = UNet2DOnnxExporter.BuildGuide(folder);
                        string guidePath = Path.Combine(root, ModelFolder.GuideComponent, UNet2DOnnxExporter.FileName);
                        guide.Save(guidePath);
                        Report(guidePath, guide, clock);
                    }

                    string? taesdFolder = parse.GetValue(taesd);
                    if (taesdFolder != null)
                    {
                        foreach ((string file, string name, Func<SafeTensorsFile, OnnxGraphBuilder> build) in new (string, string, Func<SafeTensorsFile, OnnxGraphBuilder>)[]
                        {
                            (TaesdEncoder.WeightsFileName, "taesd_encoder", TaesdOnnxExporter.BuildEncoder),
                            (TaesdDecoder.WeightsFileName, "taesd_decoder", TaesdOnnxExporter.BuildDecoder),
                        })
                        {
                            clock.Restart();
                            OnnxGraphBuilder part = build(SafeTensorsFile.Read(Path.Combine(taesdFolder, file)));
                            string path = Path.Combine(root, name, "model.onnx");
                            part.Save(path);
                            Report(path, part, clock);
                        }
                    }

                    return 0;
                }
                catch (Exception e) when (e is ModelConfigException || e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Console.Error.WriteLine("error: " + e.Message);
                    return 2;
                }
            });
            return command;
        }

        private static void Report(string path, OnnxGraphBuilder graph, Stopwatch clock)
        {
            long exportMs = clock.ElapsedMilliseconds;
            using OnnxModel check = OnnxModel.Load(path);
            Console.WriteLine($"{path}: {graph.NodeCount} nodes, {graph.WeightCount:N0} weights, opset {graph.Opset}, {new FileInfo(path).Length / 1048576.0:F1} MiB, exported in {exportMs} ms; ONNX Runtime loads it ({string.Join(", ", check.Inputs)} → {string.Join(", ", check.Outputs)})");
        }

        private static void CopyConfigs(ModelFolder folder, string root)
        {
            var parts = new List<string> { "model_index.json", Path.Combine("scheduler", "scheduler_config.json"), Path.Combine("unet", "config.json") };
            if (folder.GuideUNet != null)
            {
                parts.Add(Path.Combine(ModelFolder.GuideComponent, "config.json"));
            }

            foreach (string relative in parts)
            {
                string destination = Path.Combine(root, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(Path.Combine(folder.Path, relative), destination, overwrite: true);
            }
        }
    }
}
