#nullable enable
using System;
using System.IO;
using System.Linq;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// A pixel-space model folder in diffusers' layout, as the trainer writes it and the runtime reads it:
    /// <c>model_index.json</c>, <c>unet/config.json</c> + <c>unet/diffusion_pytorch_model.safetensors</c>
    /// (and <c>unet/model.onnx</c> once exported), <c>scheduler/scheduler_config.json</c>; optionally a guide UNet for
    /// autoguidance, <c>guide_unet/</c> (a smaller, less trained model of the same kind; model_index.json names it
    /// <c>guide_unet</c> and gives its default scale as <c>_autoguidance_scale</c>, and optionally the timesteps to guide
    /// at as <c>_autoguidance_interval</c>, [low, high]); optionally the number of denoising steps its guidance was
    /// tuned for, <c>_sampling_steps</c>.
    /// Opening checks every part and names the one that is missing or wrong.
    /// </summary>
    public sealed class ModelFolder
    {
        /// <summary>The pipeline class written to model_index.json.</summary>
        public const string PipelineClass = "DDPMPipeline";

        /// <summary>The model_index.json key of the guide UNet.</summary>
        public const string GuideComponent = "guide_unet";

        /// <summary>The model_index.json key of the default autoguidance scale.</summary>
        public const string AutoguidanceScaleKey = "_autoguidance_scale";

        /// <summary>The model_index.json key of the timesteps [low, high] to autoguide at by default (absent: every step).</summary>
        public const string AutoguidanceIntervalKey = "_autoguidance_interval";

        /// <summary>The model_index.json key of the number of denoising steps the folder recommends (absent: the caller's default).</summary>
        public const string SamplingStepsKey = "_sampling_steps";

        private ModelFolder(string path, UNet2DConfig unet, SchedulerConfig scheduler, UNet2DConfig? guide, float autoguidanceScale, (float Low, float High)? autoguidanceInterval, int? samplingSteps)
        {
            SamplingSteps = samplingSteps;
            AutoguidanceInterval = autoguidanceInterval;
            Path = path;
            UNet = unet;
            Scheduler = scheduler;
            GuideUNet = guide;
            AutoguidanceScale = autoguidanceScale;
            GuideUNetFolder = System.IO.Path.Combine(path, GuideComponent);
        }

        private ModelFolder(ModelFolder from, UNet2DConfig unet, UNet2DConfig? guide, string guideFolder, float autoguidanceScale, (float Low, float High)? autoguidanceInterval, bool paddingOverridden)
            : this(from.Path, unet, from.Scheduler, guide, autoguidanceScale, autoguidanceInterval, from.SamplingSteps)
        {
            GuideUNetFolder = guideFolder;
            PaddingOverridden = paddingOverridden;
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
        public string OnnxPath => System.IO.Path.Combine(UNetFolder, OnnxFileName);

        /// <summary>The guide UNet's configuration, when the folder has one for autoguidance.</summary>
        public UNet2DConfig? GuideUNet { get; }

        /// <summary>The guide UNet's folder: the <c>guide_unet/</c> subfolder, or another folder's <c>unet/</c> (see <see cref="WithGuide"/>).</summary>
        public string GuideUNetFolder { get; }

        /// <summary>
        /// Whether <see cref="WithPadding"/> changed the UNets' padding from what their configs say: backends then build
        /// them from the weights (an exported <c>model.onnx</c> fixed its padding when it was written).
        /// </summary>
        public bool PaddingOverridden { get; }

        /// <summary>The guide UNet exported to ONNX, if it was.</summary>
        public string GuideOnnxPath => System.IO.Path.Combine(GuideUNetFolder, OnnxFileName);

        /// <summary>The autoguidance scale the folder recommends (1 without a guide).</summary>
        public float AutoguidanceScale { get; }

        /// <summary>The timesteps (low, high) at which the folder recommends autoguiding; null: every step.</summary>
        public (float Low, float High)? AutoguidanceInterval { get; }

        /// <summary>
        /// The number of denoising steps the folder recommends (its guidance scale and interval were tuned at that many
        /// steps of the default sampler); null: none recorded, use the caller's default.
        /// </summary>
        public int? SamplingSteps { get; }

        /// <summary>
        /// This folder with its UNet and guide run with <paramref name="padding"/> whatever their configs say (the weights
        /// do not depend on it): e.g. a circular model with zeros, as an engine whose convolutions cannot wrap would run it.
        /// </summary>
        public ModelFolder WithPadding(PaddingMode padding)
        {
            bool changes = UNet.PaddingMode != padding || (GuideUNet != null && GuideUNet.PaddingMode != padding);
            return new ModelFolder(this, UNet with { PaddingMode = padding }, GuideUNet == null ? null : GuideUNet with { PaddingMode = padding },
                GuideUNetFolder, AutoguidanceScale, AutoguidanceInterval, PaddingOverridden || changes);
        }

        /// <summary>
        /// This folder guided by the UNet of the model folder <paramref name="guide"/> (checked with <see cref="CheckGuide(ModelFolder)"/>)
        /// instead of its own guide; the folder's recommended autoguidance scale and interval, tuned for its own guide, are
        /// dropped (scale 1, every step).
        /// </summary>
        /// <exception cref="ModelConfigException">The guide cannot guide this model; the message says why.</exception>
        public ModelFolder WithGuide(ModelFolder guide)
        {
            CheckGuide(guide ?? throw new ArgumentNullException(nameof(guide)));
            return new ModelFolder(this, UNet, guide.UNet, guide.UNetFolder, 1f, null, PaddingOverridden || guide.PaddingOverridden);
        }

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

            var read = ConfigReader.Load(index);
            if (!read.Has("unet") || !read.Has("scheduler"))
            {
                throw new ModelConfigException($"{index} must name a unet and a scheduler (diffusers layout).");
            }

            bool hasGuide = read.Has(GuideComponent);
            double? scale = read.NullableDouble(AutoguidanceScaleKey);
            if (scale is double s && !(FloatBits.IsFinite(s) && s > 0))
            {
                throw new ModelConfigException($"{index}: {AutoguidanceScaleKey} must be a positive number; it is {s.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }

            double[]? pair = read.DoubleArray(AutoguidanceIntervalKey);
            if (pair != null && !(pair.Length == 2 && pair[0] <= pair[1]))
            {
                throw new ModelConfigException($"{index}: {AutoguidanceIntervalKey} must be [low, high] timesteps with low <= high; it is [{string.Join(", ", pair)}].");
            }

            int? samplingSteps = read.NullableInt(SamplingStepsKey);
            if (samplingSteps < 1)
            {
                throw new ModelConfigException($"{index}: {SamplingStepsKey} must be a whole number of denoising steps, 1 or more; it is {samplingSteps}.");
            }

            float autoguidanceScale = scale.HasValue ? (float)scale.Value : 1f;
            (float Low, float High)? autoguidanceInterval = pair == null ? null : ((float)pair[0], (float)pair[1]);

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

            UNet2DConfig? guide = null;
            if (hasGuide)
            {
                string guideConfig = System.IO.Path.Combine(root, GuideComponent, "config.json");
                if (!File.Exists(guideConfig))
                {
                    throw new ModelConfigException($"{index} names a {GuideComponent} but {guideConfig} is missing. Restore the guide UNet's folder, or remove {GuideComponent} from model_index.json to run without autoguidance.");
                }

                guide = UNet2DConfig.Load(guideConfig);
                CheckGuide(unet, guide, guideConfig);
            }
            else if (autoguidanceScale != 1f)
            {
                throw new ModelConfigException($"{index} sets {AutoguidanceScaleKey} but names no {GuideComponent}: autoguidance needs the guide UNet.");
            }

            return new ModelFolder(root, unet, scheduler, guide, guide == null ? 1f : autoguidanceScale, guide == null ? null : autoguidanceInterval, samplingSteps);
        }

        /// <summary>Throws unless the UNet of the model folder <paramref name="guide"/> can guide this folder's (see <see cref="CheckGuide(UNet2DConfig, UNet2DConfig, string)"/>; and the same prediction type).</summary>
        /// <exception cref="ModelConfigException">They differ; the message says in what.</exception>
        public void CheckGuide(ModelFolder guide)
        {
            CheckGuide(UNet, guide.UNet, System.IO.Path.Combine(guide.UNetFolder, "config.json"));
            if (guide.Scheduler.PredictionType != Scheduler.PredictionType)
            {
                throw new ModelConfigException($"{guide.Path} predicts {guide.Scheduler.PredictionType}, {Path} {Scheduler.PredictionType}: a guide must be trained the same way.");
            }
        }

        /// <summary>
        /// Throws unless <paramref name="guide"/> can guide <paramref name="unet"/>: the same samples in and out, the same
        /// classes and the same padding (it may be smaller in every other way).
        /// </summary>
        /// <exception cref="ModelConfigException">They differ; the message says in what.</exception>
        public static void CheckGuide(UNet2DConfig unet, UNet2DConfig guide, string guideOrigin)
        {
            string? mismatch =
                guide.InChannels != unet.InChannels || guide.OutChannels != unet.OutChannels ? $"{guide.InChannels} -> {guide.OutChannels} channels, the model {unet.InChannels} -> {unet.OutChannels}"
                : guide.SampleSize != unet.SampleSize ? $"sample_size {guide.SampleSize}, the model {unet.SampleSize}"
                : guide.NumClassEmbeds != unet.NumClassEmbeds || !guide.ClassNames.SequenceEqual(unet.ClassNames) ? $"classes [{string.Join(", ", guide.ClassNames)}] ({guide.NumClassEmbeds?.ToString() ?? "no"} embeddings), the model [{string.Join(", ", unet.ClassNames)}] ({unet.NumClassEmbeds?.ToString() ?? "no"})"
                : guide.PaddingMode != unet.PaddingMode ? $"{guide.PaddingMode} padding, the model {unet.PaddingMode}"
                : null;
            if (mismatch != null)
            {
                throw new ModelConfigException($"{guideOrigin}: this guide cannot guide the model: {mismatch}. A guide is a weaker model trained on the same data the same way.");
            }
        }

        /// <summary>
        /// Copies the UNet of the model folder <paramref name="guideFolder"/> into <paramref name="modelFolder"/> as its
        /// guide for autoguidance (<c>guide_unet/</c>: config.json and the safetensors weights) and records it, with the
        /// recommended <paramref name="scale"/> and <paramref name="interval"/> (null: every step), and the number of
        /// denoising <paramref name="steps"/> they were tuned at (null: leave the folder's as it is), in model_index.json. Every file is written atomically and the index last,
        /// so an interrupted attach leaves the folder as it was. A guide attached before is replaced.
        /// </summary>
        /// <exception cref="ModelConfigException">A folder is not a model folder, the weights are missing, or the guide cannot guide the model (the message says why).</exception>
        public static ModelFolder AttachGuide(string modelFolder, string guideFolder, float scale, (float Low, float High)? interval = null, int? steps = null)
        {
            if (steps is < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), $"The sampling steps must be 1 or more; got {steps}.");
            }

            if (interval is { } bounds && !(bounds.Low <= bounds.High))
            {
                throw new ArgumentOutOfRangeException(nameof(interval), $"The guidance interval {bounds.Low}..{bounds.High} is empty: give low <= high.");
            }

            if (!FloatBits.IsFinite(scale) || scale <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(scale), $"The autoguidance scale must be a positive number (about 1.1 to 2); got {scale}.");
            }

            ModelFolder model = Open(modelFolder);
            ModelFolder guide = Open(guideFolder);
            if (string.Equals(model.Path, guide.Path, StringComparison.Ordinal))
            {
                throw new ModelConfigException($"{guide.Path} cannot guide itself: a guide is a smaller, shorter-trained model of the same data.");
            }

            model.CheckGuide(guide);

            string weights = System.IO.Path.Combine(guide.UNetFolder, WeightsFileName);
            if (!File.Exists(weights))
            {
                throw new ModelConfigException($"{weights} is missing: the guide needs its safetensors weights (as `livediffusion train` writes them).");
            }

            try
            {
                SafeTensorsFile.Read(weights);   // the header and every offset checked before anything is copied
            }
            catch (InvalidDataException e)
            {
                throw new ModelConfigException($"{e.Message} The guide's weights must be a complete safetensors file (as `livediffusion train` writes it).", e);
            }

            Directory.CreateDirectory(model.GuideUNetFolder);
            IO.AtomicFile.WriteAllBytes(System.IO.Path.Combine(model.GuideUNetFolder, WeightsFileName), File.ReadAllBytes(weights));
            guide.UNet.Save(System.IO.Path.Combine(model.GuideUNetFolder, "config.json"));
            File.Delete(model.GuideOnnxPath);   // an export of an earlier guide; `livediffusion export` writes the new one

            string index = System.IO.Path.Combine(model.Path, "model_index.json");
            JsonObject node = ConfigReader.ParseObject(File.ReadAllText(index), index);
            node[GuideComponent] = new JsonArray("diffusers", "UNet2DModel");
            node[AutoguidanceScaleKey] = Math.Round((double)scale, 4);
            node.Remove(AutoguidanceIntervalKey);
            if (interval is { } range)
            {
                node[AutoguidanceIntervalKey] = new JsonArray(Math.Round((double)range.Low, 4), Math.Round((double)range.High, 4));
            }

            if (steps.HasValue)
            {
                node[SamplingStepsKey] = steps.Value;
            }

            IO.AtomicFile.WriteAllText(index, node.ToJsonString(indented: true) + "\n");
            return Open(model.Path);
        }

        /// <summary>The UNet weights file in a model's <c>unet/</c> (and <c>guide_unet/</c>) folder, diffusers' name.</summary>
        public const string WeightsFileName = "diffusion_pytorch_model.safetensors";

        /// <summary>The exported ONNX UNet's file name in a model's <c>unet/</c> (and <c>guide_unet/</c>) folder.</summary>
        public const string OnnxFileName = "model.onnx";

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
            IO.AtomicFile.WriteAllText(System.IO.Path.Combine(folder, "model_index.json"), index.ToJsonString(indented: true) + "\n");
            scheduler.Save(System.IO.Path.Combine(folder, "scheduler", "scheduler_config.json"));
        }
    }
}
