using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Frames;
using LiveDiffusion.IO;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;

namespace LiveDiffusion.Fuzz
{
    /// <summary>
    /// Every reader of untrusted bytes, as a fuzz target: each takes any bytes and may refuse them only with the
    /// exception its reader documents (the message naming the problem). Any other exception, a crash or a hang is a
    /// finding. Shared by the afl++ harness (Program) and FuzzCorpusTests, which replays the corpus and every finding.
    /// </summary>
    public static class FuzzTargets
    {
        /// <summary>The targets by name.</summary>
        public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
        {
            ["image"] = Image,
            ["png-text"] = PngText,
            ["safetensors"] = SafeTensors,
            ["frames"] = Frames,
            ["scheduler-config"] = SchedulerConfigText,
            ["unet-config"] = UNetConfigText,
            ["model-index"] = ModelIndex,
        };

        /// <summary>A dataset image, as the dataset reads it (default formats, default pixel budget).</summary>
        public static void Image(byte[] bytes)
        {
            try
            {
                RgbImage image = DatasetImageDecoder.Decode(bytes, ".png", DatasetImageDecoder.DefaultFormats);
                Check(image.Pixels.Length == image.Width * image.Height * image.Channels, "pixel buffer matches the size");
            }
            catch (InvalidDataException)
            {
            }
        }

        /// <summary>A PNG's text chunks (recipes), as <c>--recipe-from</c> reads them.</summary>
        public static void PngText(byte[] bytes)
        {
            try
            {
                PngTextChunks.Read(bytes, _ => { });
            }
            catch (InvalidDataException)
            {
            }
        }

        /// <summary>A safetensors file: the header, then every tensor.</summary>
        public static void SafeTensors(byte[] bytes)
        {
            try
            {
                SafeTensorsFile file = SafeTensorsFile.Parse(bytes, "fuzz.safetensors");
                foreach (SafeTensorInfo info in file.Tensors)
                {
                    file.ReadFloat32(info.Name);
                }
            }
            catch (InvalidDataException)
            {
            }
        }

        /// <summary>A recorded frame stream (<c>frames.ldframes</c>), every record.</summary>
        public static void Frames(byte[] bytes)
        {
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                var frame = new DenoisingFrame();
                while (DenoisingFrameFormat.TryRead(stream, frame))
                {
                }
            }
            catch (InvalidDataException)
            {
            }
        }

        /// <summary>A diffusers <c>scheduler_config.json</c>, through to a scheduler and its timesteps.</summary>
        public static void SchedulerConfigText(byte[] bytes)
        {
            try
            {
                SchedulerConfig config = SchedulerConfig.Parse(Encoding.UTF8.GetString(bytes), "fuzz.json");
                config.CreateScheduler().SetTimesteps(Math.Min(10, config.NumTrainTimesteps));
            }
            catch (SchedulerConfigException)
            {
            }
            catch (ArgumentException)
            {
                // SetTimesteps refuses step counts the configuration cannot give, with the reason.
            }
        }

        /// <summary>A diffusers UNet2DModel <c>config.json</c>.</summary>
        public static void UNetConfigText(byte[] bytes)
        {
            try
            {
                UNet2DConfig.Parse(Encoding.UTF8.GetString(bytes), "fuzz.json");
            }
            catch (ModelConfigException)
            {
            }
        }

        /// <summary>A model folder's <c>model_index.json</c> (beside a valid UNet and scheduler), opened as a model folder.</summary>
        public static void ModelIndex(byte[] bytes)
        {
            string folder = ModelIndexFolder.Value;
            File.WriteAllBytes(Path.Combine(folder, "model_index.json"), bytes);
            try
            {
                ModelFolder.Open(folder);
            }
            catch (ModelConfigException)
            {
            }
            catch (SchedulerConfigException)
            {
            }
        }

        private static readonly Lazy<string> ModelIndexFolder = new Lazy<string>(() =>
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-fuzz-model-" + Environment.ProcessId);
            Directory.CreateDirectory(Path.Combine(folder, "unet"));
            new UNet2DConfig { SampleSize = 8, BlockOutChannels = new[] { 8, 8 }, DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" }, UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" }, LayersPerBlock = 1, NormNumGroups = 4 }
                .Save(Path.Combine(folder, "unet", "config.json"));
            ModelFolder.WriteIndex(folder, new DDIMSchedulerConfig());
            return folder;
        });

        private static void Check(bool condition, string what)
        {
            if (!condition)
            {
                throw new InvalidOperationException("Invariant broken: " + what);
            }
        }
    }
}
