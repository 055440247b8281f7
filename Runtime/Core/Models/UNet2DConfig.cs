#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using LiveDiffusion.IO.Json;
using LiveDiffusion.IO;

namespace LiveDiffusion.Models
{
    /// <summary>
    /// The configuration of a diffusers <c>UNet2DModel</c>-style network, read from and written to
    /// <c>unet/config.json</c> with diffusers' key names. Two keys are this package's own: <c>padding_mode</c>
    /// (<c>"zeros"</c> or <c>"circular"</c>) and <c>class_names</c> (the label of each class embedding; a
    /// class-conditional model trained for classifier-free guidance has one more embedding than names: the last
    /// one is the "no class" embedding).
    /// </summary>
    public sealed record UNet2DConfig
    {
        /// <summary>Down block types this runtime builds.</summary>
        public static readonly IReadOnlyList<string> SupportedDownBlocks = new[] { "DownBlock2D", "AttnDownBlock2D" };

        /// <summary>Up block types this runtime builds.</summary>
        public static readonly IReadOnlyList<string> SupportedUpBlocks = new[] { "UpBlock2D", "AttnUpBlock2D" };

        /// <summary>Height and width the model was trained at.</summary>
        public int SampleSize { get; init; } = 32;

        /// <summary>Input channels (3 for RGB pixel models).</summary>
        public int InChannels { get; init; } = 3;

        /// <summary>Output channels.</summary>
        public int OutChannels { get; init; } = 3;

        /// <summary>Whether the input is mapped 2x-1 first (diffusers' center_input_sample).</summary>
        public bool CenterInputSample { get; init; }

        /// <summary>Shift of the sinusoidal frequencies (diffusers' freq_shift).</summary>
        public int FreqShift { get; init; }

        /// <summary>Whether the sinusoidal embedding is ordered cos, sin (diffusers' flip_sin_to_cos).</summary>
        public bool FlipSinToCos { get; init; } = true;

        /// <summary>One entry per resolution: DownBlock2D or AttnDownBlock2D.</summary>
        public IReadOnlyList<string> DownBlockTypes { get; init; } = new[] { "DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D" };

        /// <summary>One entry per resolution, deepest first: UpBlock2D or AttnUpBlock2D.</summary>
        public IReadOnlyList<string> UpBlockTypes { get; init; } = new[] { "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D" };

        /// <summary>Channels of each resolution, finest first.</summary>
        public IReadOnlyList<int> BlockOutChannels { get; init; } = new[] { 64, 128, 128 };

        /// <summary>Residual blocks per down block (up blocks have one more).</summary>
        public int LayersPerBlock { get; init; } = 2;

        /// <summary>Channels per attention head.</summary>
        public int AttentionHeadDim { get; init; } = 8;

        /// <summary>Groups of every GroupNorm.</summary>
        public int NormNumGroups { get; init; } = 32;

        /// <summary>Epsilon of every GroupNorm.</summary>
        public double NormEps { get; init; } = 1e-5;

        /// <summary>Whether the middle block has self-attention.</summary>
        public bool AddAttention { get; init; } = true;

        /// <summary>Number of class embeddings (null for an unconditional model).</summary>
        public int? NumClassEmbeds { get; init; }

        /// <summary>Dropout inside the residual blocks while training.</summary>
        public double Dropout { get; init; }

        /// <summary>Zero or circular padding in every convolution.</summary>
        public PaddingMode PaddingMode { get; init; } = PaddingMode.Zeros;

        /// <summary>The label of each class (see the class summary for the "no class" embedding).</summary>
        public IReadOnlyList<string> ClassNames { get; init; } = Array.Empty<string>();

        /// <summary>Width of the time (and class) embedding: 4x the first block's channels.</summary>
        public int TimeEmbedDim => BlockOutChannels[0] * 4;

        /// <summary>Whether the model takes a class label.</summary>
        public bool IsClassConditional => NumClassEmbeds.HasValue;

        /// <summary>The index of the "no class" embedding used for classifier-free guidance, or null when the model has none.</summary>
        public int? UnconditionalClass => NumClassEmbeds.HasValue && NumClassEmbeds.Value == ClassNames.Count + 1 ? ClassNames.Count : (int?)null;

        /// <summary>How many times the resolution halves (one less than the number of blocks).</summary>
        public int DownsampleCount => BlockOutChannels.Count - 1;

        /// <summary>Spatial sizes must be multiples of this.</summary>
        public int SizeMultiple => 1 << DownsampleCount;

        /// <summary>
        /// Channels around up block <paramref name="index"/> (0 = the deepest), as diffusers' UNet2DModel wires them:
        /// <c>Previous</c> comes in from below, <c>Output</c> is the block's width, and <c>Input</c> is the width of the
        /// down-path skip its last residual block concatenates.
        /// </summary>
        public (int Previous, int Output, int Input) UpBlockChannels(int index)
        {
            int levels = BlockOutChannels.Count;
            return (BlockOutChannels[levels - 1 - Math.Max(index - 1, 0)], BlockOutChannels[levels - 1 - index], BlockOutChannels[Math.Max(levels - 2 - index, 0)]);
        }

        /// <summary>Finds the class index of <paramref name="name"/> (case-insensitive) or throws naming the known classes.</summary>
        public int ClassIndex(string name)
        {
            for (int i = 0; i < ClassNames.Count; i++)
            {
                if (string.Equals(ClassNames[i], name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            if (int.TryParse(name, out int index) && index >= 0 && index < (NumClassEmbeds ?? 0))
            {
                return index;
            }

            throw new ModelConfigException(ClassNames.Count == 0
                ? $"This model has no class '{name}': it is {(IsClassConditional ? $"class-conditional with {NumClassEmbeds} unnamed classes (pass 0..{NumClassEmbeds - 1})" : "unconditional (pass no class)")}."
                : $"This model has no class '{name}'. Its classes: {string.Join(", ", ClassNames)}.");
        }

        /// <summary>Checks that the configuration describes a network this runtime can build; throws naming the key.</summary>
        public void Validate(string origin = "unet/config.json")
        {
            ModelConfigException Bad(string key, string why) => new ModelConfigException($"{origin}: '{key}' {why}");

            if (BlockOutChannels.Count == 0)
            {
                throw Bad("block_out_channels", "is empty; give one channel count per resolution, e.g. [64, 128, 128].");
            }

            if (DownBlockTypes.Count != BlockOutChannels.Count)
            {
                throw Bad("down_block_types", $"has {DownBlockTypes.Count} entries but block_out_channels has {BlockOutChannels.Count}; they must match.");
            }

            if (UpBlockTypes.Count != BlockOutChannels.Count)
            {
                throw Bad("up_block_types", $"has {UpBlockTypes.Count} entries but block_out_channels has {BlockOutChannels.Count}; they must match.");
            }

            foreach (string type in DownBlockTypes)
            {
                if (!SupportedDownBlocks.Contains(type))
                {
                    throw Bad("down_block_types", $"contains '{type}'; supported: {string.Join(", ", SupportedDownBlocks)}.");
                }
            }

            foreach (string type in UpBlockTypes)
            {
                if (!SupportedUpBlocks.Contains(type))
                {
                    throw Bad("up_block_types", $"contains '{type}'; supported: {string.Join(", ", SupportedUpBlocks)}.");
                }
            }

            foreach (int channels in BlockOutChannels)
            {
                if (channels <= 0 || channels % NormNumGroups != 0)
                {
                    throw Bad("block_out_channels", $"has {channels}, which is not a positive multiple of norm_num_groups ({NormNumGroups}).");
                }

                if (channels % AttentionHeadDim != 0)
                {
                    throw Bad("attention_head_dim", $"({AttentionHeadDim}) does not divide the block channels {channels}.");
                }
            }

            if (LayersPerBlock < 1)
            {
                throw Bad("layers_per_block", "must be at least 1.");
            }

            if (InChannels < 1 || OutChannels < 1)
            {
                throw Bad(InChannels < 1 ? "in_channels" : "out_channels", "must be at least 1.");
            }

            if (SampleSize < 1 || SampleSize % SizeMultiple != 0)
            {
                throw Bad("sample_size", $"({SampleSize}) must be a positive multiple of {SizeMultiple} (2 to the number of downsamples).");
            }

            if (NumClassEmbeds.HasValue && NumClassEmbeds.Value < 1)
            {
                throw Bad("num_class_embeds", "must be at least 1 (or null for an unconditional model).");
            }

            if (ClassNames.Count > 0 && (!NumClassEmbeds.HasValue || (NumClassEmbeds.Value != ClassNames.Count && NumClassEmbeds.Value != ClassNames.Count + 1)))
            {
                throw Bad("class_names", $"has {ClassNames.Count} names but num_class_embeds is {NumClassEmbeds?.ToString() ?? "null"}; it must equal the count, or the count + 1 with the last as the 'no class' embedding.");
            }

            if (Dropout < 0 || Dropout >= 1)
            {
                throw Bad("dropout", $"({Dropout}) must be in [0, 1).");
            }
        }

        /// <summary>Reads <c>config.json</c> from <paramref name="path"/>.</summary>
        public static UNet2DConfig Load(string path)
        {
            if (!File.Exists(path))
            {
                throw new ModelConfigException($"UNet configuration not found: {path}. A model folder needs unet/config.json beside the weights.");
            }

            return Parse(File.ReadAllText(path), path);
        }

        /// <summary>Parses a diffusers UNet2DModel configuration.</summary>
        public static UNet2DConfig Parse(string json, string origin = "unet/config.json")
        {
            var read = ConfigReader.Parse(json, origin);
            string className = read.String("_class_name", "UNet2DModel");
            if (className != "UNet2DModel")
            {
                throw new ModelConfigException($"{origin}: _class_name is '{className}'; this network builds UNet2DModel configurations (a text-conditioned UNet2DConditionModel runs through the ONNX backend).");
            }

            string timeEmbedding = read.String("time_embedding_type", "positional");
            if (timeEmbedding != "positional")
            {
                throw new ModelConfigException($"{origin}: time_embedding_type '{timeEmbedding}' is not supported; use 'positional'.");
            }

            string act = read.String("act_fn", "silu");
            if (act != "silu" && act != "swish")
            {
                throw new ModelConfigException($"{origin}: act_fn '{act}' is not supported; use 'silu'.");
            }

            string shift = read.String("resnet_time_scale_shift", "default");
            if (shift != "default")
            {
                throw new ModelConfigException($"{origin}: resnet_time_scale_shift '{shift}' is not supported; use 'default'.");
            }

            string classEmbedType = read.String("class_embed_type", string.Empty);
            if (classEmbedType.Length > 0)
            {
                throw new ModelConfigException($"{origin}: class_embed_type '{classEmbedType}' is not supported; class-conditional models use num_class_embeds (a learned embedding table).");
            }

            string padding = read.String("padding_mode", "zeros");
            var defaults = new UNet2DConfig();
            var config = new UNet2DConfig
            {
                SampleSize = read.Int("sample_size", defaults.SampleSize),
                InChannels = read.Int("in_channels", defaults.InChannels),
                OutChannels = read.Int("out_channels", defaults.OutChannels),
                CenterInputSample = read.Bool("center_input_sample", false),
                FreqShift = read.Int("freq_shift", 0),
                FlipSinToCos = read.Bool("flip_sin_to_cos", true),
                DownBlockTypes = read.Strings("down_block_types") ?? defaults.DownBlockTypes,
                UpBlockTypes = read.Strings("up_block_types") ?? defaults.UpBlockTypes,
                BlockOutChannels = read.PositiveInts("block_out_channels") ?? defaults.BlockOutChannels,
                LayersPerBlock = read.Int("layers_per_block", defaults.LayersPerBlock),
                AttentionHeadDim = read.NullableInt("attention_head_dim") ?? defaults.AttentionHeadDim,
                NormNumGroups = read.Int("norm_num_groups", defaults.NormNumGroups),
                NormEps = read.Double("norm_eps", defaults.NormEps),
                AddAttention = read.Bool("add_attention", true),
                NumClassEmbeds = read.NullableInt("num_class_embeds"),
                Dropout = read.Double("dropout", 0),
                PaddingMode = padding switch
                {
                    "zeros" => PaddingMode.Zeros,
                    "circular" => PaddingMode.Circular,
                    _ => throw new ModelConfigException($"{origin}: padding_mode '{padding}' is not supported; use 'zeros' or 'circular'."),
                },
                ClassNames = read.Strings("class_names") ?? Array.Empty<string>(),
            };

            if (read.Double("mid_block_scale_factor", 1) != 1 || read.Int("downsample_padding", 1) != 1)
            {
                throw new ModelConfigException($"{origin}: mid_block_scale_factor must be 1 and downsample_padding 1 (diffusers' defaults).");
            }

            config.Validate(origin);
            return config;
        }

        /// <summary>The configuration as diffusers-style JSON (indented).</summary>
        public string ToJson()
        {
            var root = new JsonObject
            {
                ["_class_name"] = "UNet2DModel",
                ["_diffusers_version"] = "0.30.0",
                ["act_fn"] = "silu",
                ["add_attention"] = AddAttention,
                ["attention_head_dim"] = AttentionHeadDim,
                ["block_out_channels"] = new JsonArray(BlockOutChannels.Select(c => (JsonNode?)c).ToArray()),
                ["center_input_sample"] = CenterInputSample,
                ["class_embed_type"] = null,
                ["class_names"] = new JsonArray(ClassNames.Select(c => (JsonNode?)c).ToArray()),
                ["down_block_types"] = new JsonArray(DownBlockTypes.Select(c => (JsonNode?)c).ToArray()),
                ["downsample_padding"] = 1,
                ["dropout"] = Dropout,
                ["flip_sin_to_cos"] = FlipSinToCos,
                ["freq_shift"] = FreqShift,
                ["in_channels"] = InChannels,
                ["layers_per_block"] = LayersPerBlock,
                ["mid_block_scale_factor"] = 1,
                ["norm_eps"] = NormEps,
                ["norm_num_groups"] = NormNumGroups,
                ["num_class_embeds"] = NumClassEmbeds,
                ["out_channels"] = OutChannels,
                ["padding_mode"] = PaddingMode == PaddingMode.Circular ? "circular" : "zeros",
                ["resnet_time_scale_shift"] = "default",
                ["sample_size"] = SampleSize,
                ["time_embedding_type"] = "positional",
                ["up_block_types"] = new JsonArray(UpBlockTypes.Select(c => (JsonNode?)c).ToArray()),
            };
            return root.ToJsonString(indented: true);
        }

        /// <summary>Writes the configuration to <paramref name="path"/> atomically.</summary>
        public void Save(string path) => IO.AtomicFile.WriteAllText(path, ToJson() + "\n");
    }
}
