#nullable enable
using System;
using System.Collections.Generic;

namespace LiveDiffusion.Schedulers
{
    /// <summary>
    /// Pseudo numerical methods for diffusion models (Liu, Ren, Lin and Zhao 2022, "Pseudo Numerical Methods for
    /// Diffusion Models on Manifolds"), matching diffusers' <c>PNDMScheduler</c>: three pseudo Runge–Kutta steps
    /// (12 model calls) warm up a fourth-order linear multistep method (PLMS), unless skip_prk_steps is set.
    /// Supports ε- and v-prediction.
    /// </summary>
    public sealed class PNDMScheduler : Scheduler
    {
        private const int PndmOrder = 4;
        private readonly PNDMSchedulerConfig _config;
        private readonly double _finalAlphaProd;
        private readonly TensorBuffer?[] _ets = new TensorBuffer?[PndmOrder];
        private int _etsCount;
        private int _prkCount;
        private int _counter;
        private TensorBuffer? _curModelOutput;
        private TensorBuffer? _curSample;
        private TensorBuffer? _combined;
        private bool _hasCurSample;

        /// <summary>Creates the scheduler with the default configuration.</summary>
        public PNDMScheduler()
            : this(new PNDMSchedulerConfig())
        {
        }

        /// <summary>Creates the scheduler from <paramref name="config"/>.</summary>
        /// <exception cref="SchedulerConfigException">A value is out of range or the prediction type is <c>sample</c>.</exception>
        public PNDMScheduler(PNDMSchedulerConfig config)
            : base(config, BetasFor(config))
        {
            _config = config;
            _finalAlphaProd = config.SetAlphaToOne ? 1.0 : Alphas[0];
        }

        /// <summary>Creates the scheduler from any scheduler's configuration, keeping the keys PNDM shares (diffusers' from_config).</summary>
        public static PNDMScheduler FromConfig(SchedulerConfig config) => new PNDMScheduler((PNDMSchedulerConfig)config.ConvertTo("PNDMScheduler"));

        /// <summary>The Runge–Kutta warm-up needs two steps to have anything to run.</summary>
        private protected override int MinInferenceSteps => _config.SkipPrkSteps ? 1 : 2;

        private protected override float[] BuildTimesteps(int numInferenceSteps, double strength)
        {
            int trainSteps = _config.NumTrainTimesteps;
            var ascending = new long[numInferenceSteps];
            switch (_config.TimestepSpacing)
            {
                case TimestepSpacing.Linspace:
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        ascending[i] = (long)NoiseSchedules.RoundHalfEven(NoiseSchedules.Linspace(0, trainSteps - 1, numInferenceSteps, i));
                    }

                    break;
                case TimestepSpacing.Leading:
                    int ratio = trainSteps / numInferenceSteps;
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        ascending[i] = (long)i * ratio + _config.StepsOffset;
                    }

                    break;
                default:
                    double step = (double)trainSteps / numInferenceSteps;
                    for (int i = 0; i < numInferenceSteps; i++)
                    {
                        ascending[numInferenceSteps - 1 - i] = (long)NoiseSchedules.RoundHalfEven(trainSteps - i * step) - 1;
                    }

                    break;
            }

            var result = new List<float>();
            if (_config.SkipPrkSteps)
            {
                // plms = concat(ts[:-1], ts[-2:-1], ts[-1:]) reversed: the second-to-last timestep runs twice.
                int n = ascending.Length;
                var plms = new List<long>();
                for (int i = 0; i < n - 1; i++)
                {
                    plms.Add(ascending[i]);
                }

                if (n >= 2)
                {
                    plms.Add(ascending[n - 2]);
                }

                plms.Add(ascending[n - 1]);
                for (int i = plms.Count - 1; i >= 0; i--)
                {
                    result.Add(plms[i]);
                }

                _prkCount = 0;
            }
            else
            {
                // prk = ts[-4:].repeat(2) + tile([0, T//n//2], 4); then prk[:-1].repeat(2)[1:-1], reversed.
                int n = ascending.Length;
                long half = trainSteps / numInferenceSteps / 2;
                var prk = new List<long>();
                for (int i = Math.Max(0, n - PndmOrder); i < n; i++)
                {
                    prk.Add(ascending[i]);
                    prk.Add(ascending[i] + half);
                }

                var doubled = new List<long>();
                for (int i = 0; i < prk.Count - 1; i++)
                {
                    doubled.Add(prk[i]);
                    doubled.Add(prk[i]);
                }

                var trimmed = doubled.GetRange(1, Math.Max(0, doubled.Count - 2));
                for (int i = trimmed.Count - 1; i >= 0; i--)
                {
                    result.Add(trimmed[i]);
                }

                _prkCount = trimmed.Count;
                for (int i = n - 4; i >= 0; i--)
                {
                    result.Add(ascending[i]);
                }
            }

            return result.ConvertAll(t => (float)t).ToArray();
        }

        private protected override void ResetState()
        {
            _etsCount = 0;
            _counter = 0;
            _hasCurSample = false;
            if (_curModelOutput != null)
            {
                _curModelOutput.Span.Clear();
            }
        }

        private protected override int InitialStepIndex(float timestep) => BeginIndex;

        private protected override void StepCore(TensorBuffer modelOutput, float timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal, INoiseSource? noise)
        {
            EnsureBuffers(sample);
            if (_counter < _prkCount && !_config.SkipPrkSteps)
            {
                StepPrk(modelOutput, (int)timestep, sample, prevSample, predictedOriginal);
            }
            else
            {
                StepPlms(modelOutput, (int)timestep, sample, prevSample, predictedOriginal);
            }
        }

        private void StepPrk(TensorBuffer modelOutput, int timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal)
        {
            int ratio = _config.NumTrainTimesteps / NumInferenceSteps;
            int diffToPrev = _counter % 2 == 1 ? 0 : ratio / 2;
            int prevTimestep = timestep - diffToPrev;
            int anchor = (int)AllTimesteps[_counter / 4 * 4];
            TensorBuffer acc = _curModelOutput!;
            TensorBuffer effective;
            switch (_counter % 4)
            {
                case 0:
                    SpanMath.Combine(acc.Span, 1f, modelOutput.Span, 1f / 6f, acc.Span);
                    PushEt(modelOutput);
                    sample.CopyTo(_curSample!);
                    _hasCurSample = true;
                    effective = modelOutput;
                    break;
                case 1:
                case 2:
                    SpanMath.Combine(acc.Span, 1f, modelOutput.Span, 1f / 3f, acc.Span);
                    effective = modelOutput;
                    break;
                default:
                    SpanMath.Combine(acc.Span, 1f, modelOutput.Span, 1f / 6f, _combined!.Span);
                    acc.Span.Clear();
                    effective = _combined;
                    break;
            }

            TensorBuffer from = _hasCurSample ? _curSample! : sample;
            PrevSample(from, anchor, prevTimestep, effective, prevSample, predictedOriginal);
            _counter++;
        }

        private void StepPlms(TensorBuffer modelOutput, int timestep, TensorBuffer sample, TensorBuffer prevSample, TensorBuffer predictedOriginal)
        {
            int ratio = _config.NumTrainTimesteps / NumInferenceSteps;
            int prevTimestep = timestep - ratio;
            if (_counter != 1)
            {
                PushEt(modelOutput);
            }
            else
            {
                prevTimestep = timestep;
                timestep += ratio;
            }

            TensorBuffer effective = _combined!;
            TensorBuffer from = sample;
            if (_etsCount == 1 && _counter == 0)
            {
                effective = modelOutput;
                sample.CopyTo(_curSample!);
                _hasCurSample = true;
            }
            else if (_etsCount == 1 && _counter == 1)
            {
                SpanMath.Combine(modelOutput.Span, 0.5f, Et(1).Span, 0.5f, effective.Span);
                from = _curSample!;
                _hasCurSample = false;
            }
            else if (_etsCount == 2)
            {
                SpanMath.Combine(Et(1).Span, 1.5f, Et(2).Span, -0.5f, effective.Span);
            }
            else if (_etsCount == 3)
            {
                SpanMath.Combine(Et(1).Span, 23f / 12f, Et(2).Span, -16f / 12f, Et(3).Span, 5f / 12f, effective.Span);
            }
            else
            {
                SpanMath.Combine(Et(1).Span, 55f / 24f, Et(2).Span, -59f / 24f, Et(3).Span, 37f / 24f, Et(4).Span, -9f / 24f, effective.Span);
            }

            PrevSample(from, timestep, prevTimestep, effective, prevSample, predictedOriginal);
            _counter++;
        }

        /// <summary>
        /// Liu et al. eq. 9 (diffusers' _get_prev_sample): x_{t−δ} = √(ᾱ_{t−δ}/ᾱ_t)·x_t − (ᾱ_{t−δ} − ᾱ_t)·ε /
        /// (ᾱ_t·√(1−ᾱ_{t−δ}) + √((1−ᾱ_t)·ᾱ_t·ᾱ_{t−δ})); x₀ is reported from the same ε.
        /// </summary>
        private void PrevSample(TensorBuffer sample, int timestep, int prevTimestep, TensorBuffer modelOutput, TensorBuffer prevSample, TensorBuffer predictedOriginal)
        {
            double alphaProd = Alphas[timestep];
            double alphaProdPrev = prevTimestep >= 0 ? Alphas[prevTimestep] : _finalAlphaProd;
            double betaProd = 1 - alphaProd;
            double betaProdPrev = 1 - alphaProdPrev;

            TensorBuffer epsilon = modelOutput;
            if (_config.PredictionType == PredictionType.VPrediction)
            {
                // ε = √ᾱ·v + √(1−ᾱ)·x, written to x₀'s buffer first, then moved to the scratch that holds the step's ε.
                SpanMath.Combine(modelOutput.Span, (float)Math.Sqrt(alphaProd), sample.Span, (float)Math.Sqrt(betaProd), predictedOriginal.Span);
                predictedOriginal.CopyTo(_combined!);
                epsilon = _combined!;
            }

            // x₀ = (x − √(1−ᾱ)·ε)/√ᾱ: the preview frame (diffusers' PNDM does not return one).
            SpanMath.Combine(sample.Span, (float)(1 / Math.Sqrt(alphaProd)), epsilon.Span, (float)(-Math.Sqrt(betaProd) / Math.Sqrt(alphaProd)), predictedOriginal.Span);

            double sampleCoeff = Math.Sqrt(alphaProdPrev / alphaProd);
            double denominator = alphaProd * Math.Sqrt(betaProdPrev) + Math.Sqrt(alphaProd * betaProd * alphaProdPrev);
            SpanMath.Combine(sample.Span, (float)sampleCoeff, epsilon.Span, (float)(-(alphaProdPrev - alphaProd) / denominator), prevSample.Span);
        }

        private void PushEt(TensorBuffer modelOutput)
        {
            // Ring of the last four model outputs; Et(1) is the newest.
            if (_etsCount < PndmOrder)
            {
                modelOutput.CopyTo(_ets[_etsCount]!);
                _etsCount++;
                return;
            }

            TensorBuffer oldest = _ets[0]!;
            for (int i = 0; i < PndmOrder - 1; i++)
            {
                _ets[i] = _ets[i + 1];
            }

            _ets[PndmOrder - 1] = oldest;
            modelOutput.CopyTo(oldest);
        }

        private TensorBuffer Et(int back) => _ets[_etsCount - back]!;

        private void EnsureBuffers(TensorBuffer like)
        {
            if (_curSample != null && _curSample.HasShapeOf(like))
            {
                return;
            }

            for (int i = 0; i < PndmOrder; i++)
            {
                _ets[i] = like.CreateLike();
            }

            _curModelOutput = like.CreateLike();
            _curSample = like.CreateLike();
            _combined = like.CreateLike();
        }

        private static double[] BetasFor(PNDMSchedulerConfig config)
        {
            config.ValidateCommon();
            if (config.PredictionType == PredictionType.Sample)
            {
                throw config.Unsupported("prediction_type", "\"sample\"", "\"epsilon\", \"v_prediction\" (as in diffusers' PNDMScheduler)");
            }

            return NoiseSchedules.Betas(config);
        }
    }
}
