using System;
using System.Collections.Generic;
using System.Linq;
using LiveDiffusion.Models;

namespace LiveDiffusion.Editor.Training
{
    /// <summary>Named UNet sizes for training, from a test-sized network to the built-in texture model's.</summary>
    public static class ModelPresets
    {
        /// <summary>Preset names, smallest first.</summary>
        public static IReadOnlyList<string> Names { get; } = new[] { "tiny", "small", "base" };

        /// <summary>What each preset is for.</summary>
        public static string Describe(string name) => name switch
        {
            "tiny" => "channels 32/64, 1 resnet per block, no attention: tests and smoke runs (seconds)",
            "small" => "channels 64/128/128, 1 resnet per block, attention at 1/4 resolution: quick CPU models and the built-in texture model",
            "base" => "channels 64/128/192, 2 resnets per block, attention at 1/4 resolution: about 1.8x the compute of small, half its training speed",
            _ => throw UnknownPreset(name),
        };

        /// <summary>The UNet configuration of preset <paramref name="name"/> for the given size, channels, padding and classes.</summary>
        public static UNet2DConfig Create(string name, int sampleSize, int channels, PaddingMode padding, IReadOnlyList<string>? classNames)
        {
            int? classEmbeds = classNames is { Count: > 0 } ? classNames.Count + 1 : null;
            IReadOnlyList<string> names = classNames ?? Array.Empty<string>();
            UNet2DConfig config = name switch
            {
                "tiny" => new UNet2DConfig
                {
                    BlockOutChannels = new[] { 32, 64 },
                    DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D" },
                    UpBlockTypes = new[] { "UpBlock2D", "UpBlock2D" },
                    LayersPerBlock = 1,
                    NormNumGroups = 8,
                    AddAttention = false,
                },
                "small" => new UNet2DConfig
                {
                    BlockOutChannels = new[] { 64, 128, 128 },
                    DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D", "AttnDownBlock2D" },
                    UpBlockTypes = new[] { "AttnUpBlock2D", "UpBlock2D", "UpBlock2D" },
                    LayersPerBlock = 1,
                    NormNumGroups = 32,
                    AttentionHeadDim = 32,
                },
                "base" => new UNet2DConfig
                {
                    BlockOutChannels = new[] { 64, 128, 192 },
                    DownBlockTypes = new[] { "DownBlock2D", "DownBlock2D", "AttnDownBlock2D" },
                    UpBlockTypes = new[] { "AttnUpBlock2D", "UpBlock2D", "UpBlock2D" },
                    LayersPerBlock = 2,
                    NormNumGroups = 32,
                    AttentionHeadDim = 32,
                },
                _ => throw UnknownPreset(name),
            };

            UNet2DConfig result = new UNet2DConfig
            {
                SampleSize = sampleSize,
                InChannels = channels,
                OutChannels = channels,
                BlockOutChannels = config.BlockOutChannels,
                DownBlockTypes = config.DownBlockTypes,
                UpBlockTypes = config.UpBlockTypes,
                LayersPerBlock = config.LayersPerBlock,
                NormNumGroups = config.NormNumGroups,
                AttentionHeadDim = config.AttentionHeadDim,
                AddAttention = config.AddAttention,
                PaddingMode = padding,
                NumClassEmbeds = classEmbeds,
                ClassNames = names.ToArray(),
            };
            result.Validate($"preset '{name}'");
            return result;
        }

        private static ArgumentException UnknownPreset(string name) =>
            new ArgumentException($"Unknown model preset '{name}'. Presets: {string.Join(", ", Names)}.", nameof(name));
    }
}
