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
                    if (ErrorText.RefuseFileAsFolder("--out", root))
                    {
                        return 2;
                    }

                    return ProgressDisplay.Run("export", display =>
                    {
                        // Every part is built (and every input read) before anything is written: bad input leaves no half export.
                        List<Part> parts = Build(folder, root, parse.GetValue(taesd), display);
                        if (target != null)
                        {
                            CopyConfigs(folder, root);
                        }

                        for (int i = 0; i < parts.Count; i++)
                        {
                            display.Update(parts.Count + i, 2 * parts.Count, $"writing and checking {Path.GetFileName(Path.GetDirectoryName(parts[i].Path))}/");
                            display.Note(Save(parts[i]));
                        }

                        display.Update(2 * parts.Count, 2 * parts.Count, $"{parts.Count} ONNX files written");
                        return 0;
                    });
                }
                catch (Exception e) when (e is ModelConfigException || e is FileNotFoundException || e is DirectoryNotFoundException || e is InvalidDataException)
                {
                    Console.Error.WriteLine("error: " + ErrorText.OneLine(e));
                    return 2;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"error: writing the export failed: {e.Message}");
                    return 1;
                }
            });
            return command;
        }

        /// <summary>One ONNX file to write: where, its graph, and how long building it took.</summary>
        private sealed record Part(string Path, OnnxGraphBuilder Graph, long BuildMs);

        /// <summary>
        /// Builds the UNet's, the guide's and (with <paramref name="taesdFolder"/>) TAESD's graphs in memory; the display
        /// counts them as the first half of the work (writing is the second).
        /// </summary>
        /// <exception cref="FileNotFoundException">A TAESD weights file is missing from <paramref name="taesdFolder"/>.</exception>
        private static List<Part> Build(ModelFolder folder, string root, string? taesdFolder, ProgressDisplay display)
        {
            var parts = new List<Part>();
            int expected = (folder.GuideUNet != null ? 2 : 1) + (taesdFolder != null ? 2 : 0);
            void Add(string path, Func<OnnxGraphBuilder> build)
            {
                display.Update(parts.Count, 2 * expected, $"building {Path.GetFileName(Path.GetDirectoryName(path))}/");
                var clock = Stopwatch.StartNew();
                OnnxGraphBuilder graph = build();
                parts.Add(new Part(path, graph, clock.ElapsedMilliseconds));
            }

            Add(Path.Combine(root, "unet", UNet2DOnnxExporter.FileName), () => UNet2DOnnxExporter.Build(folder));
            if (folder.GuideUNet != null)
            {
                Add(Path.Combine(root, ModelFolder.GuideComponent, UNet2DOnnxExporter.FileName), () => UNet2DOnnxExporter.BuildGuide(folder));
            }

            if (taesdFolder != null)
            {
                foreach ((string file, string name, Func<SafeTensorsFile, OnnxGraphBuilder> build) in new (string, string, Func<SafeTensorsFile, OnnxGraphBuilder>)[]
                {
                    (TaesdEncoder.WeightsFileName, "taesd_encoder", TaesdOnnxExporter.BuildEncoder),
                    (TaesdDecoder.WeightsFileName, "taesd_decoder", TaesdOnnxExporter.BuildDecoder),
                })
                {
                    string weights = Path.Combine(taesdFolder, file);
                    if (!File.Exists(weights))
                    {
                        throw new FileNotFoundException($"--taesd {Path.GetFullPath(taesdFolder)}: {file} is not there. Pass the folder that holds TAESD's taesd_encoder.safetensors and taesd_decoder.safetensors (e.g. shared/data/taesd).", weights);
                    }

                    Add(Path.Combine(root, name, "model.onnx"), () => build(SafeTensorsFile.Read(weights)));
                }
            }

            return parts;
        }

        /// <summary>Writes <paramref name="part"/>, then loads it in ONNX Runtime; the line that reports it.</summary>
        private static string Save(Part part)
        {
            var clock = Stopwatch.StartNew();
            part.Graph.Save(part.Path);
            long exportMs = part.BuildMs + clock.ElapsedMilliseconds;
            using OnnxModel check = OnnxModel.Load(part.Path);
            return $"{part.Path}: {part.Graph.NodeCount} nodes, {part.Graph.WeightCount:N0} weights, opset {part.Graph.Opset}, {new FileInfo(part.Path).Length / 1048576.0:F1} MiB, exported in {exportMs} ms; ONNX Runtime loads it ({string.Join(", ", check.Inputs)} → {string.Join(", ", check.Outputs)})";
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
