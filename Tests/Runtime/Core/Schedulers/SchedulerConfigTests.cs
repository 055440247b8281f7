using System.IO;
using System.Linq;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Schedulers
{
    public sealed class SchedulerConfigTests
    {
        [Fact]
        public void ABadEnumValueNamesTheKeyAndTheAllowedValues()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() =>
                SchedulerConfig.Parse("{\"_class_name\": \"DDIMScheduler\", \"beta_schedule\": \"cosine\"}", "my/scheduler_config.json"));
            Assert.Contains("my/scheduler_config.json", ex.Message);
            Assert.Contains("'beta_schedule'", ex.Message);
            Assert.Contains("linear, scaled_linear, squaredcos_cap_v2", ex.Message);
        }

        [Fact]
        public void AWronglyTypedValueNamesTheKey()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() =>
                SchedulerConfig.Parse("{\"_class_name\": \"EulerDiscreteScheduler\", \"num_train_timesteps\": \"many\"}"));
            Assert.Contains("'num_train_timesteps'", ex.Message);
            Assert.Contains("integer", ex.Message);
        }

        [Fact]
        public void AnUnknownClassListsTheKnownSchedulers()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() => SchedulerConfig.Parse("{\"_class_name\": \"UniPCMultistepScheduler\"}"));
            Assert.Contains("UniPCMultistepScheduler", ex.Message);
            Assert.Contains("DPMSolverMultistepScheduler", ex.Message);
        }

        [Fact]
        public void AMissingClassNameSaysHowToFixIt()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() => SchedulerConfig.Parse("{\"beta_start\": 0.001}"));
            Assert.Contains("_class_name", ex.Message);
        }

        [Fact]
        public void UnsupportedOptionsAreRefusedNotIgnored()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() =>
                SchedulerConfig.Parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_lu_lambdas\": true}"));
            Assert.Contains("use_lu_lambdas", ex.Message);
            var order = Assert.Throws<SchedulerConfigException>(() =>
                SchedulerConfig.Parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"solver_order\": 3}").CreateScheduler());
            Assert.Contains("solver_order", order.Message);
        }

        [Fact]
        public void SigmaMaxBoundsTheKarrasScheduleOfDpmSolver()
        {
            // The built-in model's shape: a DDPM folder config, converted for sampling, with sigma_max carried along.
            const string folder = "{\"_class_name\": \"DDPMScheduler\", \"beta_schedule\": \"squaredcos_cap_v2\", \"prediction_type\": \"v_prediction\", \"timestep_spacing\": \"trailing\", \"use_karras_sigmas\": true";
            var plain = (DPMSolverMultistepScheduler)SchedulerConfig.Parse(folder + "}").ConvertTo("DPMSolverMultistepScheduler").CreateScheduler();
            var bounded = (DPMSolverMultistepScheduler)SchedulerConfig.Parse(folder + ", \"sigma_max\": 80}").ConvertTo("DPMSolverMultistepScheduler").CreateScheduler();
            plain.SetTimesteps(40);
            bounded.SetTimesteps(40);

            // Unbounded, σ starts near 20,000 (the cosine schedule's last training σ) and most steps sit at t >= 990.
            Assert.InRange(plain.Sigmas[0], 15_000, 25_000);
            Assert.InRange(plain.Timesteps.ToArray().Count(t => t >= 990), 20, 30);
            Assert.Equal(80.0, bounded.Sigmas[0], 3);
            Assert.Equal(plain.Sigmas[39], bounded.Sigmas[39], 6); // the low end is still the training schedule's
            Assert.InRange(bounded.Timesteps.ToArray().Count(t => t >= 990), 1, 3);
            Assert.InRange(bounded.Timesteps[0], 985f, 995f); // σ = 80 is t ≈ 991 here
            for (int i = 1; i < 40; i++)
            {
                Assert.True(bounded.Sigmas[i] < bounded.Sigmas[i - 1], $"σ must fall at every step ({i})");
            }

            var config = (DPMSolverMultistepSchedulerConfig)bounded.Config;
            Assert.Equal(80.0, config.SigmaMax);
            Assert.Null(config.SigmaMin);
            Assert.Equal(80.0, (double)SchedulerConfig.Parse(config.ToJson()).ToJsonObject()["sigma_max"]!);
            Assert.False(((DPMSolverMultistepSchedulerConfig)plain.Config).ToJsonObject().ContainsKey("sigma_max"), "an unset bound is not written (diffusers' DPM has no such key)");
        }

        [Fact]
        public void ImpossibleSigmaBoundsNameBothKeysAndTheFile()
        {
            var ex = Assert.Throws<SchedulerConfigException>(() => SchedulerConfig.Parse(
                "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_karras_sigmas\": true, \"sigma_min\": 5, \"sigma_max\": 2}", "my/scheduler_config.json"));
            Assert.Contains("my/scheduler_config.json", ex.Message);
            Assert.Contains("sigma_min = 5", ex.Message);
            Assert.Contains("sigma_max = 2", ex.Message);
            Assert.Throws<SchedulerConfigException>(() => SchedulerConfig.Parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"sigma_max\": -1}"));
        }

        [Fact]
        public void UnknownKeysSurviveARoundTrip()
        {
            const string json = "{\"_class_name\": \"DDIMScheduler\", \"_diffusers_version\": \"0.24.0\", \"some_future_key\": [1, 2], \"clip_sample\": false}";
            SchedulerConfig config = SchedulerConfig.Parse(json);
            Assert.Contains("some_future_key", config.UnusedKeys);
            Assert.Contains("_diffusers_version", config.UnusedKeys);
            string written = config.ToJson();
            Assert.Contains("\"some_future_key\"", written);
            Assert.Contains("\"0.24.0\"", written);
            Assert.False(((DDIMSchedulerConfig)SchedulerConfig.Parse(written)).ClipSample);
        }

        [Fact]
        public void SwappingSchedulersCarriesTheSharedKeysAndKeepsTheRest()
        {
            var sd = new PNDMSchedulerConfig { BetaStart = 0.00085, BetaEnd = 0.012, BetaSchedule = BetaSchedule.ScaledLinear, SkipPrkSteps = true, StepsOffset = 1 };
            EulerDiscreteScheduler euler = EulerDiscreteScheduler.FromConfig(sd);
            Assert.Equal(0.00085, euler.Config.BetaStart);
            Assert.Equal(BetaSchedule.ScaledLinear, euler.Config.BetaSchedule);
            Assert.Contains("skip_prk_steps", euler.Config.UnusedKeys);

            // Back to PNDM: the PNDM-only key came along untouched.
            PNDMScheduler back = PNDMScheduler.FromConfig(euler.Config);
            Assert.True(((PNDMSchedulerConfig)back.Config).SkipPrkSteps);
        }

        [Fact]
        public void NegativeInfinityIsReadAndWrittenAsPythonDoes()
        {
            SchedulerConfig config = SchedulerConfig.Parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"lambda_min_clipped\": -Infinity}");
            Assert.True(double.IsNegativeInfinity(((DPMSolverMultistepSchedulerConfig)config).LambdaMinClipped));
            Assert.Contains("\"lambda_min_clipped\": -Infinity", config.ToJson());
        }

        [SharedDataFact]
        public void RealStableDiffusionExportConfigsLoad()
        {
            string root = SharedData.PathOf("sd-onnx-configs");
            foreach (string folder in new[] { "sd15-txt2img-diffusers-0.24", "sd15-inpainting-diffusers-0.6" })
            {
                SchedulerConfig config = SchedulerConfig.Load(Path.Combine(root, folder, "scheduler", "scheduler_config.json"));
                var pndm = Assert.IsType<PNDMSchedulerConfig>(config);
                Assert.True(pndm.SkipPrkSteps);
                Assert.Equal(1, pndm.StepsOffset);
                Assert.Equal(BetaSchedule.ScaledLinear, pndm.BetaSchedule);

                // SD 1.x with PNDM and 50 steps runs 981, 961, 961, 941, … (the repeated step of PLMS warm-up), ending at 1.
                Scheduler scheduler = config.CreateScheduler();
                scheduler.SetTimesteps(50);
                Assert.Equal(new float[] { 981, 961, 961, 941 }, scheduler.Timesteps.Take(4));
                Assert.Equal(51, scheduler.Timesteps.Count);
                Assert.Equal(1f, scheduler.Timesteps[scheduler.Timesteps.Count - 1]);
            }
        }

        [Fact]
        public void SaveWritesAFileThatLoadsBack()
        {
            string path = Path.Combine(Path.GetTempPath(), "ld-sched-" + System.Guid.NewGuid().ToString("N") + ".json");
            try
            {
                new LCMSchedulerConfig { OriginalInferenceSteps = 40 }.Save(path);
                var loaded = Assert.IsType<LCMSchedulerConfig>(SchedulerConfig.Load(path));
                Assert.Equal(40, loaded.OriginalInferenceSteps);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void LoadingAMissingFileSaysWhereItWasExpected()
        {
            var ex = Assert.Throws<FileNotFoundException>(() => SchedulerConfig.Load("/nonexistent/scheduler_config.json"));
            Assert.Contains("scheduler/scheduler_config.json", ex.Message);
        }
    }
}
