using System;
using System.IO;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch.Models;
using TorchSharp;

namespace LiveDiffusion.Editor.Tests.Training
{
    /// <summary>Untrained tiny model folders, written the way the trainer writes them, for tests that need a model to open.</summary>
    internal static class TinyModelFolder
    {
        /// <summary>
        /// Writes into <paramref name="folder"/> a two-level UNet (<paramref name="width"/> and twice that channels,
        /// 16 px, circular padding; class-conditional with <paramref name="classes"/>) initialised from
        /// <paramref name="seed"/>, and the v-prediction scheduler training writes. Returns the folder.
        /// </summary>
        public static string Write(string folder, int width, string[]? classes, int seed)
        {
            using var generator = new torch.Generator((ulong)seed);
            using (var unet = new UNet2D(new UNet2DConfig
            {
                SampleSize = 16,
                BlockOutChannels = new[] { width, 2 * width },
                DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" },
                UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" },
                LayersPerBlock = 1,
                NormNumGroups = 8,
                PaddingMode = PaddingMode.Circular,
                NumClassEmbeds = classes == null ? null : classes.Length + 1,
                ClassNames = classes ?? Array.Empty<string>(),
            }))
            {
                unet.ResetParameters(generator);
                unet.Save(Path.Combine(folder, "unet"));
            }

            ModelFolder.WriteIndex(folder, DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.VPrediction }));
            return folder;
        }
    }
}
