using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using LiveDiffusion.IO;
using LiveDiffusion.Models;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>
    /// One training checkpoint: a single safetensors file holding the raw weights (<c>model/…</c>), the EMA weights
    /// (<c>ema/…</c>) and AdamW's moments (<c>adamw/exp_avg/…</c>, <c>adamw/exp_avg_sq/…</c>), with the step, the
    /// AdamW step count, the seed (the per-step random state is derived from seed and step, so this is the whole RNG
    /// state), the learning-rate scale, the UNet configuration, the recipe and the dataset fingerprint in its metadata.
    /// Written atomically (temporary file, fsync, rename): a kill at any moment leaves the previous checkpoints whole.
    /// </summary>
    public sealed class Checkpoint
    {
        /// <summary>Value of the <c>format</c> metadata key.</summary>
        public const string Format = "livediffusion-checkpoint";

        /// <summary>The record version this build writes and reads.</summary>
        public const int Version = 1;

        private static readonly Regex FileNamePattern = new Regex(@"^checkpoint-(\d+)\.safetensors$", RegexOptions.CultureInvariant);

        private Checkpoint(string path, SafeTensorsFile file)
        {
            Path = path;
            File = file;
            IReadOnlyDictionary<string, string> m = file.Metadata;
            Step = long.Parse(Required(m, "step"), CultureInfo.InvariantCulture);
            AdamStep = long.Parse(Required(m, "adamw_step"), CultureInfo.InvariantCulture);
            Seed = ulong.Parse(Required(m, "seed"), CultureInfo.InvariantCulture);
            LearningRateScale = double.Parse(Required(m, "lr_scale"), CultureInfo.InvariantCulture);
            UNetConfig = UNet2DConfig.Parse(Required(m, "unet_config"), path + " (unet_config)");
            OptionsJson = Required(m, "training_options");
            DatasetFingerprint = Required(m, "dataset_fingerprint");
            Loss = m.TryGetValue("loss", out string? loss) ? double.Parse(loss, CultureInfo.InvariantCulture) : double.NaN;
            ElapsedSeconds = m.TryGetValue("elapsed_seconds", out string? e) ? double.Parse(e, CultureInfo.InvariantCulture) : 0;
        }

        /// <summary>The file.</summary>
        public string Path { get; }

        /// <summary>The optimisation steps completed.</summary>
        public long Step { get; }

        /// <summary>AdamW's update count (lower than <see cref="Step"/> when non-finite steps were skipped).</summary>
        public long AdamStep { get; }

        /// <summary>The run's seed.</summary>
        public ulong Seed { get; }

        /// <summary>Learning-rate multiplier (halved by each NaN rollback).</summary>
        public double LearningRateScale { get; }

        /// <summary>The UNet configuration.</summary>
        public UNet2DConfig UNetConfig { get; }

        /// <summary>The recipe, as JSON.</summary>
        public string OptionsJson { get; }

        /// <summary>The fingerprint of the dataset the run trained on.</summary>
        public string DatasetFingerprint { get; }

        /// <summary>The smoothed loss when it was written.</summary>
        public double Loss { get; }

        /// <summary>Training wall time up to this checkpoint.</summary>
        public double ElapsedSeconds { get; }

        internal SafeTensorsFile File { get; }

        /// <summary>The checkpoint file name for <paramref name="step"/>.</summary>
        public static string FileName(long step) => $"checkpoint-{step:D7}.safetensors";

        /// <summary>Writes a checkpoint atomically.</summary>
        public static void Write(string path, CheckpointState state)
        {
            var writer = new SafeTensorsWriter();
            writer.Metadata["format"] = Format;
            writer.Metadata["format_version"] = Version.ToString(CultureInfo.InvariantCulture);
            writer.Metadata["step"] = state.Step.ToString(CultureInfo.InvariantCulture);
            writer.Metadata["adamw_step"] = state.Optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
            writer.Metadata["seed"] = state.Seed.ToString(CultureInfo.InvariantCulture);
            writer.Metadata["lr_scale"] = state.LearningRateScale.ToString("R", CultureInfo.InvariantCulture);
            writer.Metadata["unet_config"] = state.Model.Config.ToJson();
            writer.Metadata["training_options"] = state.OptionsJson;
            writer.Metadata["dataset_fingerprint"] = state.DatasetFingerprint;
            writer.Metadata["loss"] = state.Loss.ToString("R", CultureInfo.InvariantCulture);
            writer.Metadata["elapsed_seconds"] = state.ElapsedSeconds.ToString("R", CultureInfo.InvariantCulture);
            state.Model.AddWeights(writer, "model/");
            state.Ema.AddWeights(writer, "ema/");
            TorchWeights.Add(writer, "adamw/", state.Optimizer.StateTensors());
            writer.Write(path);
        }

        /// <summary>Reads and checks a checkpoint.</summary>
        /// <exception cref="InvalidDataException">The file is not a checkpoint of this format (the message says why).</exception>
        public static Checkpoint Read(string path)
        {
            SafeTensorsFile file = SafeTensorsFile.Read(path);
            if (!file.Metadata.TryGetValue("format", out string? format) || format != Format)
            {
                throw new InvalidDataException($"{path} is not a LiveDiffusion training checkpoint (format '{format ?? "missing"}').");
            }

            if (!file.Metadata.TryGetValue("format_version", out string? version) || version != Version.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidDataException($"{path} is checkpoint format version {version}; this build reads version {Version}.");
            }

            return new Checkpoint(path, file);
        }

        /// <summary>Checkpoint files in <paramref name="folder"/>, oldest step first.</summary>
        public static IReadOnlyList<(long Step, string Path)> List(string folder)
        {
            if (!Directory.Exists(folder))
            {
                return Array.Empty<(long, string)>();
            }

            return Directory.EnumerateFiles(folder, "checkpoint-*.safetensors")
                .Select(f => (Match: FileNamePattern.Match(System.IO.Path.GetFileName(f)), Path: f))
                .Where(x => x.Match.Success)
                .Select(x => (long.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture), x.Path))
                .OrderBy(x => x.Item1)
                .ToArray();
        }

        /// <summary>The newest checkpoint in <paramref name="folder"/> that reads back whole (older ones are tried when a newer one does not), or null.</summary>
        public static Checkpoint? Latest(string folder, Action<string>? warn = null)
        {
            foreach ((long _, string path) in List(folder).Reverse())
            {
                try
                {
                    return Read(path);
                }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is FormatException || e is ModelConfigException)
                {
                    warn?.Invoke($"Skipping unreadable checkpoint {path}: {e.Message}");
                }
            }

            return null;
        }

        /// <summary>Loads the weights, EMA weights and optimiser moments into the given objects.</summary>
        public void Restore(UNet2D model, UNet2D ema, AdamW optimizer)
        {
            Load("model/", model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
            Load("ema/", ema.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
            Load("adamw/", optimizer.StateTensors());
            optimizer.StepCount = AdamStep;
        }

        /// <summary>Loads only the EMA weights (for export) into <paramref name="ema"/>.</summary>
        public void RestoreEma(UNet2D ema) => Load("ema/", ema.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));

        private void Load(string prefix, IEnumerable<(string Name, Tensor Tensor)> targets)
        {
            using (no_grad())
            {
                foreach ((string name, Tensor target) in targets)
                {
                    string key = prefix + name;
                    if (!File.Contains(key))
                    {
                        throw new InvalidDataException($"{Path} has no tensor '{key}': it was written for a different model configuration.");
                    }

                    SafeTensorInfo info = File.Info(key);
                    if (!info.Shape.SequenceEqual(target.shape))
                    {
                        throw new InvalidDataException($"{Path}: '{key}' is {info.ShapeString}, the model needs [{string.Join(", ", target.shape)}].");
                    }

                    using Tensor source = tensor(File.ReadFloat32(key), target.shape);
                    target.copy_(source);
                }
            }
        }

        private static string Required(IReadOnlyDictionary<string, string> metadata, string key) =>
            metadata.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"Checkpoint metadata lacks '{key}'.");
    }

    /// <summary>What a checkpoint is written from.</summary>
    public sealed record CheckpointState(long Step, UNet2D Model, UNet2D Ema, AdamW Optimizer, ulong Seed, double LearningRateScale, string OptionsJson, string DatasetFingerprint, double Loss, double ElapsedSeconds);
}
