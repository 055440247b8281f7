#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Text;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// A Stable Diffusion ONNX model folder as diffusers and Optimum write it: <c>model_index.json</c>,
    /// <c>scheduler/scheduler_config.json</c>, <c>tokenizer/</c> (vocab.json, merges.txt, tokenizer_config.json),
    /// <c>text_encoder/model.onnx</c>, <c>unet/model.onnx</c> (weights may sit in an external data file beside it),
    /// <c>vae_decoder/model.onnx</c> and, for image-to-image and inpainting, <c>vae_encoder/model.onnx</c>.
    /// <see cref="Open"/> checks every part and names the one missing; <see cref="CreatePipeline(string?, OnnxSessionSettings?)"/> opens one
    /// ONNX Runtime session per model.
    /// </summary>
    public sealed class StableDiffusionOnnxFolder
    {
        private const float DefaultScalingFactor = 0.18215f;

        private StableDiffusionOnnxFolder(string path, SchedulerConfig scheduler, float scalingFactor, bool hasEncoder)
        {
            Path = path;
            Scheduler = scheduler;
            VaeScalingFactor = scalingFactor;
            HasVaeEncoder = hasEncoder;
        }

        /// <summary>The folder.</summary>
        public string Path { get; }

        /// <summary>The scheduler configuration saved with the model.</summary>
        public SchedulerConfig Scheduler { get; }

        /// <summary>The VAE latent scaling factor (vae_decoder/config.json or vae/config.json <c>scaling_factor</c>; 0.18215 when absent).</summary>
        public float VaeScalingFactor { get; }

        /// <summary>Whether vae_encoder/model.onnx exists (needed to start from an image).</summary>
        public bool HasVaeEncoder { get; }

        /// <summary>
        /// Whether <paramref name="path"/> looks like a Stable Diffusion ONNX folder rather than one of our texture model
        /// folders: it has a <c>text_encoder</c> folder, or its <c>model_index.json</c> names a Stable Diffusion pipeline class.
        /// </summary>
        public static bool LooksLikeStableDiffusion(string path)
        {
            if (Directory.Exists(System.IO.Path.Combine(path, "text_encoder")))
            {
                return true;
            }

            string index = System.IO.Path.Combine(path, "model_index.json");
            try
            {
                return File.Exists(index) && ConfigReader.Load(index)
                    .String("_class_name", string.Empty).IndexOf("StableDiffusion", StringComparison.Ordinal) >= 0;
            }
            catch (ModelConfigException)
            {
                return false;
            }
        }

        /// <summary>Checks the folder's parts without opening any session.</summary>
        /// <exception cref="ModelConfigException">A part is missing or unreadable; the message names it.</exception>
        public static StableDiffusionOnnxFolder Open(string path)
        {
            string root = System.IO.Path.GetFullPath(path);
            if (!Directory.Exists(root))
            {
                throw new ModelConfigException($"Model folder not found: {root}. Pass a Stable Diffusion ONNX folder (diffusers or Optimum export).");
            }

            foreach (string part in new[]
            {
                "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
                "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
            })
            {
                if (!File.Exists(System.IO.Path.Combine(root, part)))
                {
                    throw new ModelConfigException($"{root} is not a complete Stable Diffusion ONNX folder: {part} is missing.");
                }
            }

            SchedulerConfig scheduler;
            try
            {
                scheduler = SchedulerConfig.Load(System.IO.Path.Combine(root, "scheduler", "scheduler_config.json"));
            }
            catch (SchedulerConfigException e)
            {
                throw new ModelConfigException(e.Message, e);
            }

            float scaling = DefaultScalingFactor;
            foreach (string config in new[] { "vae_decoder/config.json", "vae/config.json" })
            {
                string file = System.IO.Path.Combine(root, config);
                if (File.Exists(file))
                {
                    try
                    {
                        double? factor = ConfigReader.Load(file).NullableDouble("scaling_factor");
                        if (factor.HasValue)
                        {
                            scaling = (float)factor.Value;
                            break;
                        }
                    }
                    catch (ModelConfigException e)
                    {
                        throw new ModelConfigException($"{file}: cannot read scaling_factor ({e.Message}).", e);
                    }
                }
            }

            return new StableDiffusionOnnxFolder(root, scheduler, scaling, File.Exists(System.IO.Path.Combine(root, "vae_encoder", "model.onnx")));
        }

        /// <summary>
        /// Opens every model (one session each) and assembles the pipeline, with the folder's scheduler or
        /// <paramref name="scheduler"/> (a class name or alias such as <c>euler-a</c>, converted from the folder's configuration).
        /// </summary>
        /// <exception cref="ModelConfigException">A model cannot be loaded or lacks an input the pipeline needs.</exception>
        public StableDiffusionPipeline CreatePipeline(string? scheduler = null, OnnxSessionSettings? settings = null) =>
            CreatePipeline(scheduler, settings, out _);

        /// <summary>As <see cref="CreatePipeline(string?, OnnxSessionSettings?)"/>, also returning the opened parts so the caller can dispose them.</summary>
        public StableDiffusionPipeline CreatePipeline(string? scheduler, OnnxSessionSettings? settings, out IReadOnlyList<IDisposable> parts)
        {
            var opened = new List<IDisposable>();
            try
            {
                ClipTokenizer tokenizer = ClipTokenizer.Load(Part("tokenizer"));
                var text = new OnnxTextEncoder(OnnxModel.Load(Part("text_encoder", "model.onnx"), settings));
                opened.Add(text);
                OnnxModel unetModel = OnnxModel.Load(Part("unet", "model.onnx"), settings);
                var unetInfo = UNetInfo(unetModel, text.Width);
                var unet = new OnnxDenoiser(unetModel, unetInfo, ownsModel: true);
                opened.Add(unet);
                if (unetInfo.TextEmbeddingWidth == 0)
                {
                    throw new ModelConfigException($"{Part("unet", "model.onnx")} has no encoder_hidden_states input: it is not a text-conditioned Stable Diffusion UNet.");
                }

                if (unetInfo.TextEmbeddingWidth != text.Width)
                {
                    throw new ModelConfigException(
                        $"The parts do not belong together: {Part("text_encoder", "model.onnx")} gives {text.Width}-wide embeddings but {Part("unet", "model.onnx")} takes "
                        + $"{unetInfo.TextEmbeddingWidth}-wide encoder_hidden_states (SD 1.x: 768, SD 2.x: 1024). Use the text encoder exported with this UNet.");
                }
                var decoder = new OnnxVaeDecoder(OnnxModel.Load(Part("vae_decoder", "model.onnx"), settings));
                opened.Add(decoder);
                OnnxVaeEncoder? encoder = null;
                if (HasVaeEncoder)
                {
                    encoder = new OnnxVaeEncoder(OnnxModel.Load(Part("vae_encoder", "model.onnx"), settings));
                    opened.Add(encoder);
                }

                SchedulerConfig config = scheduler == null ? Scheduler : SchedulerRegistry.Configure(Scheduler, scheduler);
                parts = opened;
                return new StableDiffusionPipeline(tokenizer, text, unet, decoder, encoder, config.CreateScheduler(), VaeScalingFactor, System.IO.Path.GetFileName(Path));
            }
            catch
            {
                foreach (IDisposable part in opened)
                {
                    part.Dispose();
                }

                throw;
            }
        }

        /// <summary>The UNet's shape facts from its inputs, else unet/config.json; an unknown text width is taken from the text encoder.</summary>
        private DenoiserInfo UNetInfo(OnnxModel unet, int textEncoderWidth)
        {
            OnnxTensorSpec sample = unet.RequireInput("sample", "sample");
            OnnxTensorSpec? text = unet.FindInput("encoder_hidden_states");
            int inChannels = (int)(sample.Fixed(1) ?? ConfigInt("in_channels") ?? 4);
            int sampleSize = (int)(sample.Fixed(2) ?? ConfigInt("sample_size") ?? 64);
            int width = (int)(text?.Fixed(2) ?? ConfigInt("cross_attention_dim") ?? textEncoderWidth);
            return new DenoiserInfo
            {
                InChannels = inChannels,
                OutChannels = 4,
                SampleSize = sampleSize,
                SizeMultiple = 1,
                PredictionType = Scheduler.PredictionType,
                TextEmbeddingWidth = text != null ? width : 0,
                Name = $"onnx:{System.IO.Path.GetFileName(Path)} unet ({inChannels} ch)",
            };
        }

        private long? ConfigInt(string key)
        {
            string file = System.IO.Path.Combine(Path, "unet", "config.json");
            if (!File.Exists(file))
            {
                return null;
            }

            return ConfigReader.Load(file).NullableInt(key);
        }

        private string Part(params string[] parts) => System.IO.Path.Combine(Path, System.IO.Path.Combine(parts));
    }
}
