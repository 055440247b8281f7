using System;
using System.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// A pixel-space model folder in diffusers' layout, as the trainer writes it and the runtime reads it:
    /// <c>model_index.json</c>, <c>unet/config.json</c> + <c>unet/diffusion_pytorch_model.safetensors</c>
    /// (and <c>unet/model.onnx</c> once exported), <c>scheduler/scheduler_config.json</c>.
    /// Opening checks every part and names the one that is missing or wrong.
    /// </summary>
    public sealed class ModelFolder
    {
        /// <summary>The pipeline class written to model_index.json.</summary>
        public const string PipelineClass = "DDPMPipeline";

        private ModelFolder(string path, UNet2DConfig unet, SchedulerConfig scheduler)
        {
            Path = path;
            UNet = unet;
            Scheduler = scheduler;
        }

        /// <summary>The folder.</summary>
        public string Path { get; }

        /// <summary>The UNet's configuration.</summary>
        public UNet2DConfig UNet { get; }

        /// <summary>The scheduler configuration the model was trained with.</summary>
        public SchedulerConfig Scheduler { get; }

        /// <summary>The <c>unet/</c> subfolder.</summary>
        public string UNetFolder => System.IO.Path.Combine(Path, "unet");

        /// <summary>The exported ONNX UNet, if any.</summary>
        public string OnnxPath => System.IO.Path.Combine(UNetFolder, "model.onnx");

        /// <summary>Opens and checks a model folder.</summary>
        /// <exception cref="ModelConfigException">A part is missing or unreadable; the message names it.</exception>
        public static ModelFolder Open(string path)
        {
            string root = System.IO.Path.GetFullPath(path);
            if (!Directory.Exists(root))
            {
                throw new ModelConfigException($"Model folder not found: {root}. Pass a folder written by `livediffusion train` (model_index.json, unet/, scheduler/).");
            }

            string index = System.IO.Path.Combine(root, "model_index.json");
            if (!File.Exists(index))
            {
                throw new ModelConfigException($"{root} is not a model folder: model_index.json is missing.");
            }

            try
            {
                JsonNode? node = JsonNode.Parse(File.ReadAllText(index));
                if (node is not JsonObject obj || obj["unet"] == null || obj["scheduler"] == null)
                {
                    throw new ModelConfigException($"{index} must name a unet and a scheduler (diffusers layout).");
                }
            }
            catch (JsonException e)
            {
                throw new ModelConfigException($"{index} is not valid JSON ({e.Message}).", e);
            }

            string schedulerPath = System.IO.Path.Combine(root, "scheduler", "scheduler_config.json");
            if (!File.Exists(schedulerPath))
            {
                throw new ModelConfigException($"{root}: scheduler/scheduler_config.json is missing.");
            }

            UNet2DConfig unet = UNet2DConfig.Load(System.IO.Path.Combine(root, "unet", "config.json"));
            SchedulerConfig scheduler;
            try
            {
                scheduler = SchedulerConfig.Load(schedulerPath);
            }
            catch (SchedulerConfigException e)
            {
                throw new ModelConfigException(e.Message, e);
            }

            return new ModelFolder(root, unet, scheduler);
        }

        /// <summary>Writes <c>model_index.json</c> and <c>scheduler/scheduler_config.json</c> (the unet/ part is written by the backend that owns the weights).</summary>
        public static void WriteIndex(string folder, SchedulerConfig scheduler)
        {
            Directory.CreateDirectory(folder);
            var index = new JsonObject
            {
                ["_class_name"] = PipelineClass,
                ["_diffusers_version"] = "0.30.0",
                ["scheduler"] = new JsonArray("diffusers", scheduler.ClassName),
                ["unet"] = new JsonArray("diffusers", "UNet2DModel"),
            };
            IO.AtomicFile.WriteAllText(System.IO.Path.Combine(folder, "model_index.json"), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            scheduler.Save(System.IO.Path.Combine(folder, "scheduler", "scheduler_config.json"));
        }
    }
}
