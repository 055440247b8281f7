using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Torch;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Panel
{
    /// <summary>
    /// Parameter counts, FLOPs and measured step times of the model presets for a dataset's size, channels and
    /// classes. Step times are measured on this machine by timing real training steps (after a warm-up step) at a
    /// batch of at most 8 and scaling linearly to the requested batch; results are cached.
    /// </summary>
    internal sealed class PresetCatalog
    {
        private const int MaxMeasuredBatch = 8;
        private readonly ConcurrentDictionary<string, long> _parameters = new ConcurrentDictionary<string, long>();
        private readonly ConcurrentDictionary<string, double> _stepMs = new ConcurrentDictionary<string, double>();
        private readonly object _measureGate = new object();

        /// <summary>The presets with parameter counts and FLOPs, and step times where already measured.</summary>
        public IReadOnlyList<PresetInfo> Describe(int size, int channels, int classes, int batch)
        {
            Check(size, channels, classes, batch);
            return ModelPresets.Names.Select(name =>
            {
                UNet2DConfig config = Config(name, size, channels, classes);
                long parameters = _parameters.GetOrAdd(Key(name, size, channels, classes, 0), _ =>
                {
                    using var model = new UNet2D(config);
                    return model.ParameterCount;
                });
                int measuredBatch = Math.Min(batch, MaxMeasuredBatch);
                double? ms = _stepMs.TryGetValue(Key(name, size, channels, classes, measuredBatch), out double m) ? m * batch / measuredBatch : null;
                return new PresetInfo(name, ModelPresets.Describe(name), parameters, UNet2DFlops.Forward(config, 1, size, size) / 1e9, ms, ms.HasValue ? measuredBatch : null);
            }).ToArray();
        }

        /// <summary>Times a training step of every preset (one at a time), then describes them.</summary>
        public IReadOnlyList<PresetInfo> Measure(int size, int channels, int classes, int batch)
        {
            Check(size, channels, classes, batch);
            int measuredBatch = Math.Min(batch, MaxMeasuredBatch);
            lock (_measureGate)
            {
                foreach (string name in ModelPresets.Names)
                {
                    string key = Key(name, size, channels, classes, measuredBatch);
                    if (!_stepMs.ContainsKey(key))
                    {
                        _stepMs[key] = TimeStep(Config(name, size, channels, classes), measuredBatch);
                    }
                }
            }

            return Describe(size, channels, classes, batch);
        }

        private static double TimeStep(UNet2DConfig config, int batch)
        {
            using var model = new UNet2D(config);
            model.train();
            double best = double.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                Tensor x = randn(batch, config.InChannels, config.SampleSize, config.SampleSize);
                Tensor t = randint(0, 1000, new long[] { batch }, dtype: ScalarType.Int64).to_type(ScalarType.Float32);
                Tensor? labels = config.NumClassEmbeds.HasValue ? zeros(new long[] { batch }, dtype: ScalarType.Int64) : null;
                Tensor loss = model.forward(x, t, labels).Squared().mean();
                loss.backward();
                model.zero_grad();
                if (i > 0)
                {
                    best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
                }
            }

            return best;
        }

        private static UNet2DConfig Config(string name, int size, int channels, int classes) =>
            ModelPresets.Create(name, size, channels, PaddingMode.Circular, classes > 0 ? Enumerable.Range(0, classes).Select(c => "class" + c).ToArray() : null);

        private static string Key(string name, int size, int channels, int classes, int batch) => $"{name}/{size}/{channels}/{classes}/{batch}";

        private static void Check(int size, int channels, int classes, int batch)
        {
            var errors = new List<FieldError>();
            if (size < 8 || size > 256 || size % 8 != 0)
            {
                errors.Add(new FieldError("size", $"Size {size} px: use a multiple of 8 from 8 to 256."));
            }

            if (channels != 3 && channels != 4)
            {
                errors.Add(new FieldError("channels", $"{channels} channels: use 3 (RGB) or 4 (RGBA)."));
            }

            if (classes < 0 || classes > 1000)
            {
                errors.Add(new FieldError("classes", $"{classes} classes: use 0 (unconditional) to 1000."));
            }

            if (batch < 1 || batch > 1024)
            {
                errors.Add(new FieldError("batchSize", $"Batch size {batch}: use 1 to 1024."));
            }

            if (errors.Count > 0)
            {
                throw new PanelRequestException(errors);
            }
        }
    }
}
