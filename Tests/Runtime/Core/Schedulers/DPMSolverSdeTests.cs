using System;
using System.Linq;
using LiveDiffusion.Schedulers;
using Xunit;

namespace LiveDiffusion.Tests.Schedulers
{
    /// <summary>
    /// DPM-Solver++ in its SDE form (<c>algorithm_type: sde-dpmsolver++</c>, short name <c>dpm++2m-sde</c>), checked
    /// against closed forms: its first-order step is DDIM with η = 1 (Lu et al. 2022b), and with a perfect model every
    /// step keeps the sample on the forward process's marginals while forgetting a factor e^{−h} of its noise.
    /// </summary>
    public sealed class DPMSolverSdeTests
    {
        [Theory]
        [InlineData(10)]
        [InlineData(25)]
        [InlineData(50)]
        public void TheFirstOrderSdeStepIsDdimWithEtaOne(int steps)
        {
            var ddim = (DDIMScheduler)SchedulerConfig.Parse("{\"_class_name\": \"DDIMScheduler\", \"timestep_spacing\": \"trailing\", \"clip_sample\": false}").CreateScheduler();
            ddim.Eta = 1.0;
            Scheduler sde = SchedulerConfig.Parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"timestep_spacing\": \"trailing\", \"algorithm_type\": \"sde-dpmsolver++\", \"solver_order\": 1}").CreateScheduler();
            ddim.SetTimesteps(steps);
            sde.SetTimesteps(steps);
            Assert.Equal(ddim.Timesteps, sde.Timesteps);

            var start = new TensorBuffer(2, 3, 8, 8);
            new NoiseGenerator(5).FillGaussian(start.Span);
            TensorBuffer a = start.CreateLike(), b = start.CreateLike(), output = start.CreateLike();
            TensorBuffer x0A = start.CreateLike(), x0B = start.CreateLike();
            start.CopyTo(a);
            start.CopyTo(b);
            var model = new NoiseGenerator(9);
            var noiseA = new NoiseGenerator(77);
            var noiseB = new NoiseGenerator(77);
            foreach (float t in ddim.Timesteps)
            {
                // Any model output will do: both must turn the same ε and the same fresh noise into the same x_{t−1}.
                model.FillGaussian(output.Span);
                ddim.Step(output, t, a, a, x0A, noiseA);
                sde.Step(output, t, b, b, x0B, noiseB);
                // float32 arithmetic in both: compare relative to the sample's size.
                float error = a.Array.Zip(b.Array, (p, q) => Math.Abs(p - q)).Max() / Math.Max(1f, a.Array.Max(Math.Abs));
                Assert.True(error < 2e-5f, $"{steps} steps, t = {t}: DDIM(η=1) and SDE-DPM-Solver++(1) differ by {error} of the sample's largest value");
            }
        }

        [Theory]
        [InlineData("midpoint", true)]
        [InlineData("midpoint", false)]
        [InlineData("heun", true)]
        public void WithAPerfectModelEachStepStaysOnTheForwardMarginalsAndForgetsEToTheMinusHOfItsNoise(string solverType, bool karras)
        {
            var scheduler = (DPMSolverMultistepScheduler)SchedulerConfig.Parse(
                $"{{\"_class_name\": \"DPMSolverMultistepScheduler\", \"beta_schedule\": \"squaredcos_cap_v2\", \"prediction_type\": \"epsilon\", " +
                $"\"timestep_spacing\": \"trailing\", \"algorithm_type\": \"sde-dpmsolver++\", \"solver_type\": \"{solverType}\", \"use_karras_sigmas\": {(karras ? "true" : "false")}}}").CreateScheduler();
            scheduler.SetTimesteps(20);
            double[] sigmas = scheduler.Sigmas.ToArray();

            var x0 = new TensorBuffer(4, 3, 32, 32);
            new NoiseGenerator(1).FillGaussian(x0.Span);
            var sample = x0.CreateLike();
            var z = new float[sample.Array.Length];
            new NoiseGenerator(2).FillGaussian(z);
            Combine(x0, sigmas[0], z, sample);
            var epsilon = x0.CreateLike();
            var predicted = x0.CreateLike();
            var noise = new NoiseGenerator(3);
            int n = z.Length;
            for (int i = 0; i < scheduler.Timesteps.Count; i++)
            {
                // The perfect ε for this sample: (x − α·x₀)/σ at this step's noise level.
                Scale(sigmas[i], out double alpha, out double sigma);
                for (int k = 0; k < n; k++)
                {
                    epsilon.Array[k] = (float)((sample.Array[k] - alpha * x0.Array[k]) / sigma);
                }

                scheduler.Step(epsilon, scheduler.Timesteps[i], sample, sample, predicted, noise);
                if (sigmas[i + 1] == 0)
                {
                    float error = sample.Array.Zip(x0.Array, (p, q) => Math.Abs(p - q)).Max();
                    Assert.True(error < 1e-3f, $"last step lands {error} away from x0");
                    continue;
                }

                // z' = (x' − α'·x₀)/σ' must be unit Gaussian noise with correlation e^{−h} to the previous z.
                Scale(sigmas[i + 1], out double alphaNext, out double sigmaNext);
                var next = new float[n];
                for (int k = 0; k < n; k++)
                {
                    next[k] = (float)((sample.Array[k] - alphaNext * x0.Array[k]) / sigmaNext);
                }

                double h = Math.Log(alphaNext / sigmaNext) - Math.Log(alpha / sigma);
                double mean = next.Average();
                double variance = next.Select(v => (v - mean) * (v - mean)).Average();
                double correlation = next.Zip(z, (p, q) => (double)p * q).Average() / Math.Sqrt(variance * z.Select(v => (double)v * v).Average());
                Assert.True(Math.Abs(mean) < 0.05, $"step {i}: mean of the noise {mean:F4}");
                Assert.True(Math.Abs(variance - 1) < 0.06, $"step {i}: variance of the noise {variance:F4}");
                Assert.True(Math.Abs(correlation - Math.Exp(-h)) < 0.05, $"step {i}: correlation with the previous noise {correlation:F4}, e^-h = {Math.Exp(-h):F4}");
                z = next;
            }
        }

        [Fact]
        public void AStepWithoutANoiseSourceSaysItNeedsOne()
        {
            Scheduler scheduler = SchedulerRegistry.DefaultConfig("dpm++2m-sde").CreateScheduler();
            scheduler.SetTimesteps(5);
            var x = new TensorBuffer(1, 3, 4, 4);
            var ex = Assert.Throws<InvalidOperationException>(() => scheduler.Step(x, scheduler.Timesteps[0], x, x.CreateLike(), x.CreateLike()));
            Assert.Contains("NoiseGenerator", ex.Message);
        }

        [Fact]
        public void TheShortNameConfiguresAModelsSchedulerAndIsWhatRecipesRecord()
        {
            SchedulerConfig model = SchedulerConfig.Parse(
                "{\"_class_name\": \"DDPMScheduler\", \"beta_schedule\": \"squaredcos_cap_v2\", \"prediction_type\": \"v_prediction\", " +
                "\"timestep_spacing\": \"trailing\", \"use_karras_sigmas\": true}");

            var sde = (DPMSolverMultistepSchedulerConfig)SchedulerRegistry.Configure(model, "dpm++2m-sde");
            Assert.Equal(DPMSolverAlgorithmType.SdeDpmSolverPlusPlus, sde.AlgorithmType);
            Assert.True(sde.UseKarrasSigmas);
            Assert.Equal(PredictionType.VPrediction, sde.PredictionType);
            Assert.Equal(TimestepSpacing.Trailing, sde.TimestepSpacing);
            Assert.Contains("\"algorithm_type\": \"sde-dpmsolver++\"", sde.ToJson());
            Assert.Equal("dpm++2m-sde", SchedulerRegistry.NameOf(sde));
            Assert.Equal("dpm++2m-sde", SchedulerRegistry.NameOf(SchedulerRegistry.Configure(model, "dpmpp-2m-sde")));
            Assert.Equal("DPMSolverMultistepScheduler", SchedulerRegistry.Resolve("dpm++2m-sde"));

            var ode = (DPMSolverMultistepSchedulerConfig)SchedulerRegistry.Configure(model, "dpm++2m");
            Assert.Equal(DPMSolverAlgorithmType.DpmSolverPlusPlus, ode.AlgorithmType);
            Assert.Equal("dpm++2m", SchedulerRegistry.NameOf(ode));

            // A model saved with the SDE: its class name keeps the SDE (as diffusers' from_config), the short names pick.
            SchedulerConfig saved = SchedulerConfig.Parse(sde.ToJson());
            Assert.Equal("dpm++2m-sde", SchedulerRegistry.NameOf(SchedulerRegistry.Configure(saved, "DPMSolverMultistepScheduler")));
            Assert.Equal("dpm++2m", SchedulerRegistry.NameOf(SchedulerRegistry.Configure(saved, "dpm++2m")));
            Assert.Equal("EulerDiscreteScheduler", SchedulerRegistry.NameOf(SchedulerRegistry.Configure(saved, "euler")));
        }

        private static void Scale(double sigma, out double alpha, out double sigmaT)
        {
            alpha = 1 / Math.Sqrt(sigma * sigma + 1);
            sigmaT = sigma * alpha;
        }

        private static void Combine(TensorBuffer x0, double sigma, float[] z, TensorBuffer destination)
        {
            Scale(sigma, out double alpha, out double sigmaT);
            for (int k = 0; k < z.Length; k++)
            {
                destination.Array[k] = (float)(alpha * x0.Array[k] + sigmaT * z[k]);
            }
        }
    }
}
