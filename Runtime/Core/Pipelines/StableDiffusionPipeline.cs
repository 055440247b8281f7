#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using LiveDiffusion.Imaging;
using LiveDiffusion.Models;
using LiveDiffusion.Pipelines.Guidance;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Text;

namespace LiveDiffusion.Pipelines
{
    /// <summary>
    /// Stable Diffusion over any backend's text encoder, UNet and VAE: text-to-image, image-to-image, inpainting
    /// (9-channel inpainting UNets, or masked-latent blending for 4-channel ones) and depth-to-image (5-channel depth
    /// UNets), chosen by what a <see cref="StableDiffusionRequest"/> sets. Classifier-free guidance runs the
    /// conditional and unconditional branches as one batch; cancellation is checked every step and before decoding.
    /// </summary>
    public sealed class StableDiffusionPipeline
    {
        /// <summary>Latent channels of SD 1.x/2.x.</summary>
        public const int LatentChannels = 4;

        private const ulong OffsetSeedSalt = 0xD1B54A32D192ED03UL;

        private readonly ClipTokenizer _tokenizer;
        private readonly ITextEncoder _textEncoder;
        private readonly IDenoiser _unet;
        private readonly IVaeDecoder _decoder;
        private readonly IVaeEncoder? _encoder;

        /// <summary>Assembles a pipeline; <paramref name="encoder"/> may be null when no image-to-image, inpainting or depth run will start from an image.</summary>
        public StableDiffusionPipeline(ClipTokenizer tokenizer, ITextEncoder textEncoder, IDenoiser unet, IVaeDecoder decoder, IVaeEncoder? encoder, Scheduler scheduler, float vaeScalingFactor = 0.18215f, string modelName = "stable-diffusion")
        {
            _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
            _textEncoder = textEncoder ?? throw new ArgumentNullException(nameof(textEncoder));
            _unet = unet ?? throw new ArgumentNullException(nameof(unet));
            _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));
            _encoder = encoder;
            Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
            VaeScalingFactor = vaeScalingFactor;
            ModelName = modelName;
            int extra = unet.Info.InChannels - LatentChannels;
            if (unet.Info.OutChannels != LatentChannels || (extra != 0 && extra != 1 && extra != LatentChannels + 1))
            {
                throw new ModelConfigException($"The UNet takes {unet.Info.InChannels} channels and predicts {unet.Info.OutChannels}: Stable Diffusion UNets predict 4 and take 4 (text-to-image), 5 (depth) or 9 (inpainting).");
            }
        }

        /// <summary>The scheduler (swap it to change samplers; its configuration should come from the model's).</summary>
        public Scheduler Scheduler { get; set; }

        /// <summary>The VAE's latent scaling factor (0.18215 for SD 1.x).</summary>
        public float VaeScalingFactor { get; }

        /// <summary>Model name written into recipes.</summary>
        public string ModelName { get; }

        /// <summary>The UNet.</summary>
        public IDenoiser UNet => _unet;

        /// <summary>Whether the UNet is an inpainting UNet (9 channels: latents, mask, masked-image latents).</summary>
        public bool IsInpaintingUNet => _unet.Info.InChannels == (2 * LatentChannels) + 1;

        /// <summary>Whether the UNet is depth-conditioned (5 channels: latents, depth).</summary>
        public bool IsDepthUNet => _unet.Info.InChannels == LatentChannels + 1;

        /// <summary>Runs the pipeline the request calls for; <paramref name="onStep"/> sees x_t and the predicted x0 (latents) every step.</summary>
        /// <exception cref="ArgumentException">The request does not fit the model (the message names the setting and the fix).</exception>
        /// <exception cref="OperationCanceledException">Cancelled (checked every step and before decoding).</exception>
        public StableDiffusionResult Generate(StableDiffusionRequest request, Action<DenoisingStep>? onStep = null, CancellationToken cancellation = default)
        {
            // 1. Validate.
            IReadOnlyList<RequestProblem> problems = Problems(request);
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", problems));
            }

            RgbImage? init = request.InitImage?.ToChannels(3);
            int width = init?.Width ?? request.Width;
            int height = init?.Height ?? request.Height;
            int scale = _decoder.ScaleFactor;
            int count = request.Count;
            int latentHeight = height / scale, latentWidth = width / scale;
            var warnings = new List<string>();

            // 2. Encode the prompts: conditional rows first, then unconditional ones (one batched UNet call per step).
            Guider guider = request.GuidanceScale != 1f ? new ClassifierFreeGuidance(request.GuidanceScale) : NoGuidance.Instance;
            TextEmbeddings text = EncodePrompts(request, count, guider.RowsPerImage == 2, warnings);

            // 3. Timesteps (image-to-image runs the tail of the schedule).
            Scheduler scheduler = Scheduler;
            scheduler.SetTimesteps(request.Steps, init != null ? request.Strength : 1.0);
            IReadOnlyList<float> timesteps = scheduler.Timesteps;

            // 4. Latents: seeded noise per image, or the init image's latents noised to the first timestep.
            var latents = new TensorBuffer(count, LatentChannels, latentHeight, latentWidth);
            var noise = latents.CreateLike();
            PerImageNoise.ForImages(request.Seed, count).FillGaussian(noise.Span);
            TensorBuffer? initLatents = init != null ? EncodeImage(init, count, mask: null) : null;
            StartLatents(scheduler, initLatents, noise, latents);

            // 5. Denoise, with conditioning channels that stay fixed over the loop ([mask, masked-image latents] or [depth]).
            TensorBuffer? latentMask = request.Mask != null ? LatentMask(request.Mask, count, latentHeight, latentWidth) : null;
            TensorBuffer? conditioning = FixedChannels(request, init, latentMask, count, latentHeight, latentWidth);
            LatentRoll? roll = request.Tileable ? new LatentRoll(request.Seed ^ OffsetSeedSalt, latentHeight, latentWidth) : null;
            // Rows: the prompt's, then (classifier-free guidance) the negative prompt's; a conditional-only call gets the prompt's alone.
            var prediction = new GuidedPrediction(guider, _unet, null, latents, conditioning,
                (input, withUnconditional) => input.EncoderHiddenStates = withUnconditional || guider.RowsPerImage == 1 ? text : EncodePrompts(request, count, false, new List<string>()), roll);
            Action<int>? afterStep = latentMask != null && !IsInpaintingUNet ? BlendWithInit(scheduler, timesteps, initLatents!, noise, latents, latentMask) : null;

            // Each image draws its step noise from a stream of its own, so stochastic schedulers reproduce it alone too.
            DenoisingLoop.Run(scheduler, timesteps, latents, guider, prediction, PerImageNoise.ForSteps(request.Seed, count), afterStep, onStep, cancellation);

            // 6. Decode.
            cancellation.ThrowIfCancellationRequested();
            var unscaled = latents.CreateLike();
            SpanMath.Scale(latents.Span, 1f / VaeScalingFactor, unscaled.Span);
            var pixels = new TensorBuffer(count, 3, height, width);
            _decoder.Decode(unscaled, pixels);
            var images = new RgbImage[count];
            var recipes = new string[count];
            for (int i = 0; i < count; i++)
            {
                images[i] = ImageConversion.ToImage(pixels, i);
                if (request.Mask != null && init != null)
                {
                    KeepUnmasked(images[i], init, request.Mask);
                }

                recipes[i] = Recipe(request, request.Seed + (ulong)i, width, height, init != null);
            }

            return new StableDiffusionResult(images, recipes, latents) { Warnings = warnings };
        }

        /// <summary>The recipe of one image in the <c>parameters</c> form.</summary>
        public string Recipe(StableDiffusionRequest request, ulong seed, int width, int height, bool fromImage)
        {
            var settings = new List<KeyValuePair<string, string>>
            {
                Setting("Steps", request.Steps.ToString(CultureInfo.InvariantCulture)),
                Setting("Sampler", SchedulerRegistry.NameOf(Scheduler.Config)),
                Setting("CFG scale", request.GuidanceScale.ToString("R", CultureInfo.InvariantCulture)),
                Setting("Seed", seed.ToString(CultureInfo.InvariantCulture)),
                Setting("Size", width.ToString(CultureInfo.InvariantCulture) + "x" + height.ToString(CultureInfo.InvariantCulture)),
                Setting("Model", ModelName),
            };
            if (fromImage)
            {
                settings.Add(Setting("Denoising strength", request.Strength.ToString("R", CultureInfo.InvariantCulture)));
            }

            if (request.Tileable)
            {
                settings.Add(Setting("Tileable", "yes"));
            }

            return new GenerationRecipe(request.Prompt, request.NegativePrompt.Length > 0 ? request.NegativePrompt : null, settings).Format();
        }

        private static KeyValuePair<string, string> Setting(string key, string value) => new KeyValuePair<string, string>(key, value);

        /// <summary>
        /// Everything wrong with <paramref name="request"/> for this model, found without running it: count or steps below
        /// 1, a size (the init image's when there is one) that is not a positive multiple of what the UNet and VAE take, an
        /// init image without a VAE encoder, a mask without an init image or of another size, an inpainting or depth UNet
        /// without its inputs (or depth for a UNet without it), strength outside [0, 1], guidance below 0. Each names the
        /// request property (<see cref="RequestProblem.Setting"/>); empty when the request can run.
        /// </summary>
        public IReadOnlyList<RequestProblem> Problems(StableDiffusionRequest request)
        {
            if (request == null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            var problems = new List<RequestProblem>();
            void Add(string setting, string message) => problems.Add(new RequestProblem(setting, message));
            int width = request.InitImage?.Width ?? request.Width, height = request.InitImage?.Height ?? request.Height;
            int multiple = _decoder.ScaleFactor * Math.Max(1, _unet.Info.SizeMultiple);
            if (request.Count < 1)
            {
                Add(nameof(request.Count), $"{request.Count} images: generate at least 1.");
            }

            if (request.Steps < 1)
            {
                Add(nameof(request.Steps), $"{request.Steps}: use at least 1.");
            }

            if (width <= 0 || height <= 0 || width % multiple != 0 || height % multiple != 0)
            {
                Add(request.InitImage != null ? nameof(request.InitImage) : width % multiple != 0 || width <= 0 ? nameof(request.Width) : nameof(request.Height),
                    $"size {width}x{height}{(request.InitImage != null ? " (the init image's)" : string.Empty)} must be a positive multiple of {multiple} for this model.");
            }

            if (request.InitImage != null && _encoder == null)
            {
                Add(nameof(request.InitImage), "starting from an image needs the VAE encoder (vae_encoder/model.onnx); this pipeline was built without one.");
            }

            AddConditioningProblems(request, width, height, Add);
            if (!(request.Strength >= 0 && request.Strength <= 1))
            {
                Add(nameof(request.Strength), $"{request.Strength}: use a value in [0, 1].");
            }

            if (!(request.GuidanceScale >= 0) || float.IsInfinity(request.GuidanceScale))
            {
                Add(nameof(request.GuidanceScale), $"{request.GuidanceScale}: use 1 (none) or more.");
            }

            return problems;
        }

        private void AddConditioningProblems(StableDiffusionRequest request, int width, int height, Action<string, string> add)
        {
            if (request.Mask != null && request.InitImage == null)
            {
                add(nameof(request.Mask), "inpainting needs an init image as well as the mask.");
            }
            else if (request.Mask != null && (request.Mask.Width != width || request.Mask.Height != height))
            {
                add(nameof(request.Mask), $"the mask is {request.Mask.Width}x{request.Mask.Height} but the image is {width}x{height}; they must match.");
            }
            else if (request.Mask == null && IsInpaintingUNet)
            {
                add(nameof(request.Mask), "this is an inpainting UNet (9 input channels): give an init image and a mask.");
            }

            if (IsDepthUNet && request.Depth == null)
            {
                add(nameof(request.Depth), "this is a depth-conditioned UNet (5 input channels): give a depth map.");
            }
            else if (!IsDepthUNet && request.Depth != null)
            {
                add(nameof(request.Depth), $"this UNet takes {_unet.Info.InChannels} channels; depth-to-image needs a depth UNet (5 channels).");
            }
        }

        /// <summary>The starting latents: the noise at the scheduler's initial σ, or the init image's latents noised to the first timestep (unnoised with no steps).</summary>
        private static void StartLatents(Scheduler scheduler, TensorBuffer? initLatents, TensorBuffer noise, TensorBuffer latents)
        {
            if (initLatents == null)
            {
                SpanMath.Scale(noise.Span, scheduler.InitNoiseSigma, latents.Span);
            }
            else if (scheduler.Timesteps.Count == 0)
            {
                initLatents.CopyTo(latents);
            }
            else
            {
                scheduler.AddNoise(initLatents, noise, scheduler.Timesteps[0], latents);
            }
        }

        /// <summary>The per-image channels an inpainting UNet ([mask, masked-image latents]) or a depth UNet ([depth]) takes after the latents; null for others.</summary>
        private TensorBuffer? FixedChannels(StableDiffusionRequest request, RgbImage? init, TensorBuffer? latentMask, int count, int latentHeight, int latentWidth)
        {
            if (IsDepthUNet)
            {
                return DepthChannel(request.Depth!, count, latentHeight, latentWidth);
            }

            if (!IsInpaintingUNet)
            {
                return null;
            }

            TensorBuffer maskedLatents = EncodeImage(init!, count, request.Mask);
            var conditioning = new TensorBuffer(count, 1 + LatentChannels, latentHeight, latentWidth);
            int plane = latentHeight * latentWidth;
            for (int i = 0; i < count; i++)
            {
                latentMask!.Item(i).CopyTo(conditioning.Item(i));
                maskedLatents.Item(i).CopyTo(conditioning.Item(i).Slice(plane));
            }

            return conditioning;
        }

        /// <summary>
        /// 4-channel inpainting: after each step, outside the mask, the init latents at the next step's noise level (and
        /// exactly the init latents after the last step) replace the denoised ones.
        /// </summary>
        private static Action<int> BlendWithInit(Scheduler scheduler, IReadOnlyList<float> timesteps, TensorBuffer initLatents, TensorBuffer noise, TensorBuffer latents, TensorBuffer latentMask)
        {
            var proper = latents.CreateLike();
            return index =>
            {
                if (index < timesteps.Count - 1)
                {
                    scheduler.AddNoise(initLatents, noise, timesteps[index + 1], proper);
                }
                else
                {
                    initLatents.CopyTo(proper);
                }

                BlendOutsideMask(latents, proper, latentMask);
            };
        }

        private TextEmbeddings EncodePrompts(StableDiffusionRequest request, int count, bool guided, List<string> warnings)
        {
            int tokens = _textEncoder.MaxTokens;
            TokenizedPrompt cond = _tokenizer.EncodeForModel(request.Prompt, tokens);
            if (cond.Truncated.Length > 0)
            {
                warnings.Add($"The prompt is longer than {tokens} tokens; this was cut: \"{cond.Truncated}\"");
            }

            TokenizedPrompt uncond = _tokenizer.EncodeForModel(request.NegativePrompt, tokens);
            if (uncond.Truncated.Length > 0)
            {
                warnings.Add($"The negative prompt is longer than {tokens} tokens; this was cut: \"{uncond.Truncated}\"");
            }

            int rows = guided ? 2 * count : count;
            var ids = new int[rows][];
            for (int i = 0; i < rows; i++)
            {
                ids[i] = i < count ? cond.Ids : uncond.Ids;
            }

            var text = new TextEmbeddings(rows, tokens, _textEncoder.Width);
            _textEncoder.Encode(ids, text);
            return text;
        }

        /// <summary>VAE-encodes <paramref name="image"/> (pixels under a white mask zeroed when a mask is given) and scales the latents; one copy per batch item.</summary>
        private TensorBuffer EncodeImage(RgbImage image, int count, RgbImage? mask)
        {
            var pixels = new TensorBuffer(1, 3, image.Height, image.Width);
            ImageConversion.FromImage(image, pixels, 0);
            if (mask != null)
            {
                int plane = pixels.PlaneLength;
                for (int p = 0; p < plane; p++)
                {
                    if (mask.Pixels[p * mask.Channels] >= 128)
                    {
                        for (int c = 0; c < 3; c++)
                        {
                            pixels.Array[(c * plane) + p] = 0f;
                        }
                    }
                }
            }

            int scale = _encoder!.ScaleFactor;
            var single = new TensorBuffer(1, LatentChannels, image.Height / scale, image.Width / scale);
            _encoder.Encode(pixels, single);
            SpanMath.Scale(single.Span, VaeScalingFactor, single.Span);
            var result = new TensorBuffer(count, LatentChannels, single.Height, single.Width);
            for (int i = 0; i < count; i++)
            {
                single.Item(0).CopyTo(result.Item(i));
            }

            return result;
        }

        /// <summary>The mask at latent resolution (nearest, sampled at each latent pixel's centre): 1 = repaint, 0 = keep.</summary>
        private static TensorBuffer LatentMask(RgbImage mask, int count, int latentHeight, int latentWidth)
        {
            var result = new TensorBuffer(count, 1, latentHeight, latentWidth);
            for (int y = 0; y < latentHeight; y++)
            {
                int sy = Math.Min(mask.Height - 1, (int)((y + 0.5) * mask.Height / latentHeight));
                for (int x = 0; x < latentWidth; x++)
                {
                    int sx = Math.Min(mask.Width - 1, (int)((x + 0.5) * mask.Width / latentWidth));
                    float value = mask.Pixels[((sy * mask.Width) + sx) * mask.Channels] >= 128 ? 1f : 0f;
                    for (int i = 0; i < count; i++)
                    {
                        result.Item(i)[(y * latentWidth) + x] = value;
                    }
                }
            }

            return result;
        }

        /// <summary>The depth map resized (bilinear) to latent resolution and normalised to [-1, 1], one copy per batch item.</summary>
        private static TensorBuffer DepthChannel(DepthMap depth, int count, int latentHeight, int latentWidth)
        {
            var result = new TensorBuffer(count, 1, latentHeight, latentWidth);
            Span<float> first = result.Item(0);
            for (int y = 0; y < latentHeight; y++)
            {
                double fy = Math.Max(0, ((y + 0.5) * depth.Height / latentHeight) - 0.5);
                int y0 = Math.Min((int)fy, depth.Height - 1), y1 = Math.Min(y0 + 1, depth.Height - 1);
                float wy = (float)(fy - y0);
                for (int x = 0; x < latentWidth; x++)
                {
                    double fx = Math.Max(0, ((x + 0.5) * depth.Width / latentWidth) - 0.5);
                    int x0 = Math.Min((int)fx, depth.Width - 1), x1 = Math.Min(x0 + 1, depth.Width - 1);
                    float wx = (float)(fx - x0);
                    float top = (depth.Values[(y0 * depth.Width) + x0] * (1 - wx)) + (depth.Values[(y0 * depth.Width) + x1] * wx);
                    float bottom = (depth.Values[(y1 * depth.Width) + x0] * (1 - wx)) + (depth.Values[(y1 * depth.Width) + x1] * wx);
                    first[(y * latentWidth) + x] = (top * (1 - wy)) + (bottom * wy);
                }
            }

            float min = SpanMath.Min(first), max = SpanMath.Max(first);
            float range = max - min;
            for (int p = 0; p < first.Length; p++)
            {
                first[p] = range > 0 ? (2f * (first[p] - min) / range) - 1f : 0f;
            }

            for (int i = 1; i < count; i++)
            {
                first.CopyTo(result.Item(i));
            }

            return result;
        }

        /// <summary>latents = mask · latents + (1 − mask) · proper, per latent pixel.</summary>
        private static void BlendOutsideMask(TensorBuffer latents, TensorBuffer proper, TensorBuffer mask)
        {
            int plane = latents.PlaneLength;
            for (int i = 0; i < latents.Batch; i++)
            {
                Span<float> m = mask.Item(i);
                for (int c = 0; c < latents.Channels; c++)
                {
                    Span<float> target = latents.Plane(i, c);
                    Span<float> source = proper.Plane(i, c);
                    for (int p = 0; p < plane; p++)
                    {
                        if (m[p] == 0f)
                        {
                            target[p] = source[p];
                        }
                    }
                }
            }
        }

        /// <summary>Puts the init image's pixels back wherever the mask keeps them, so unmasked pixels are exactly the input.</summary>
        private static void KeepUnmasked(RgbImage image, RgbImage init, RgbImage mask)
        {
            int pixels = image.Width * image.Height;
            for (int p = 0; p < pixels; p++)
            {
                if (mask.Pixels[p * mask.Channels] < 128)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        image.Pixels[(p * image.Channels) + c] = init.Pixels[(p * 3) + c];
                    }
                }
            }
        }
    }
}
