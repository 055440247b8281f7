using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiveDiffusion.Editor.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Schedulers;
using LiveDiffusion.Torch.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace LiveDiffusion.Editor.Tests.Training
{
    public sealed class DiffusionTrainerTests : IDisposable
    {
        private readonly TinyDataset _data = new TinyDataset();
        private readonly string _runs = Path.Combine(Path.GetTempPath(), "ld-runs-" + Guid.NewGuid().ToString("N"));

        private static TrainingOptions Options(int steps, int checkpointEvery = 3, int sampleEvery = 0, ulong seed = 99, PredictionType prediction = PredictionType.Epsilon, double? minSnrFloor = null, int batch = 4, double learningRate = 1e-3, int threads = 0) => new TrainingOptions
        {
            PredictionType = prediction,
            MinSnrFloor = minSnrFloor,
            Steps = steps,
            BatchSize = batch,
            LearningRate = learningRate,
            Threads = threads,
            WarmupSteps = 2,
            CheckpointEvery = checkpointEvery,
            SampleEvery = sampleEvery,
            SampleCount = 4,
            SampleSteps = 4,
            LogEvery = 1,
            Seed = seed,
            Data = new DatasetOptions { Size = 16, ClassConditional = true },
        };

        private ImageFolderDataset Dataset() => ImageFolderDataset.Load(_data.Folder, new DatasetOptions { Size = 16, ClassConditional = true });

        private static UNet2DConfig Config(ImageFolderDataset d) => ModelPresets.Create("tiny", 16, 3, PaddingMode.Circular, d.ClassNames);

        [Fact]
        public void ResumedRunEndsWithTheSameWeightsAsAnUninterruptedOne()
        {
            ImageFolderDataset d = Dataset();
            string straight = Path.Combine(_runs, "straight");
            string split = Path.Combine(_runs, "split");
            new DiffusionTrainer(d, Config(d), Options(6), straight).Run();
            // Interrupt the same 6-step run after step 3 (the LR schedule depends on the total, so the run must be the same one).
            var first = new DiffusionTrainer(d, Config(d), Options(6), split);
            using var stop = new CancellationTokenSource();
            first.StepCompleted += s =>
            {
                if (s.Step == 3)
                {
                    stop.Cancel();
                }
            };
            Assert.True(first.Run(cancellation: stop.Token).Cancelled);
            Checkpoint? middle = Checkpoint.Latest(Path.Combine(split, "checkpoints"));
            Assert.NotNull(middle);
            Assert.Equal(3, middle!.Step);
            TrainingResult resumed = new DiffusionTrainer(d, Config(d), Options(6), split).Run(middle);
            Assert.Equal(6, resumed.Step);

            Checkpoint a = Checkpoint.Read(Path.Combine(straight, "checkpoints", Checkpoint.FileName(6)));
            Checkpoint b = Checkpoint.Read(Path.Combine(split, "checkpoints", Checkpoint.FileName(6)));
            using var ua = new UNet2D(a.UNetConfig);
            using var ub = new UNet2D(b.UNetConfig);
            using var ea = new UNet2D(a.UNetConfig);
            using var eb = new UNet2D(b.UNetConfig);
            a.RestoreEma(ea);
            b.RestoreEma(eb);
            float maxDiff = 0;
            foreach (((string name, var pa), (_, var pb)) in ea.named_parameters().Zip(eb.named_parameters()))
            {
                maxDiff = Math.Max(maxDiff, (pa - pb).abs().max().item<float>());
            }

            // Same seed, same data: the per-step randomness is derived from (seed, step), so resuming changes nothing.
            Assert.True(maxDiff <= 1e-6f, $"EMA weights differ by {maxDiff} after resume");

            // And training did something: the weights moved away from a fresh initialisation with the same seed.
            Assert.True(a.Loss > 0 && double.IsFinite(a.Loss));
        }

        [Fact]
        public void RunWritesCheckpointsSamplesLogAndALoadableModelFolder()
        {
            ImageFolderDataset d = Dataset();
            string run = Path.Combine(_runs, "full");
            var trainer = new DiffusionTrainer(d, Config(d), Options(5, checkpointEvery: 2, sampleEvery: 4), run);
            TrainingResult result = trainer.Run();
            Assert.False(result.Cancelled);
            Assert.Equal(new long[] { 2, 4, 5 }, Checkpoint.List(trainer.CheckpointFolder).Select(c => c.Step).ToArray());
            Assert.True(File.Exists(Path.Combine(run, "samples", "step-0000004.png")));
            Assert.True(File.Exists(Path.Combine(run, "samples", "step-0000005.png")));
            string[] log = File.ReadAllLines(Path.Combine(run, "train_log.jsonl"));
            Assert.Equal(5, log.Length);
            Assert.Contains("\"loss\"", log[0]);

            ModelFolder folder = ModelFolder.Open(result.ModelFolder);
            Assert.Equal(new[] { "checks", "stripes" }, folder.UNet.ClassNames);
            Assert.Equal(3, folder.UNet.NumClassEmbeds);
            using TorchDenoiser denoiser = TorchDenoiser.Load(folder.UNetFolder);
            Assert.Equal(2, denoiser.Info.UnconditionalClass);
            Assert.True(denoiser.Info.Tileable);
        }

        [Fact]
        public void AConfigWithoutClassNamesTakesTheDatasetsAndOneWithOtherNamesIsRefused()
        {
            // A hand-written config (train --unet-config) that names no classes: without the dataset's names the model
            // had no "no class" embedding, so label dropout did not happen and guidance could not be used.
            ImageFolderDataset d = Dataset();
            UNet2DConfig unnamed = Config(d) with { ClassNames = Array.Empty<string>() };
            Assert.Null(unnamed.UnconditionalClass);
            TrainingResult result = new DiffusionTrainer(d, unnamed, Options(1, checkpointEvery: 1), Path.Combine(_runs, "unnamed")).Run();
            ModelFolder folder = ModelFolder.Open(result.ModelFolder);
            Assert.Equal(new[] { "checks", "stripes" }, folder.UNet.ClassNames);
            Assert.Equal(2, folder.UNet.UnconditionalClass);

            var error = Assert.Throws<ArgumentException>(() => new DiffusionTrainer(d, Config(d) with { ClassNames = new[] { "floor", "wall" } }, Options(1), Path.Combine(_runs, "renamed")));
            Assert.Contains("class_names (floor, wall) are not the dataset's classes (checks, stripes", error.Message);
        }

        [Fact]
        public void KeepsOnlyTheNewestCheckpoints()
        {
            ImageFolderDataset d = Dataset();
            var trainer = new DiffusionTrainer(d, Config(d), Options(8, checkpointEvery: 1), Path.Combine(_runs, "keep"));
            trainer.Run();
            Assert.Equal(new long[] { 6, 7, 8 }, Checkpoint.List(trainer.CheckpointFolder).Select(c => c.Step).ToArray());
        }

        [Fact]
        public void NonFiniteLossesAreSkippedThenRolledBackAtHalfTheLearningRate()
        {
            ImageFolderDataset d = Dataset();
            var trainer = new DiffusionTrainer(d, Config(d), Options(8, checkpointEvery: 2), Path.Combine(_runs, "nan"));
            int poisoned = 0;
            trainer.PoisonLoss = step => step >= 5 && poisoned++ < 3;
            TrainingResult result = trainer.Run();
            Assert.Equal(8, result.Step);
            Assert.Equal(3, result.NonFiniteSkipped);
            Assert.Equal(1, result.Rollbacks);
            Checkpoint last = Checkpoint.Latest(trainer.CheckpointFolder)!;
            Assert.Equal(8, last.Step);
            Assert.Equal(0.5, last.LearningRateScale);
            using var ema = new UNet2D(last.UNetConfig);
            last.RestoreEma(ema);
            Assert.All(ema.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
        }

        [Fact]
        public void ARunWhoseLastStepIsNonFiniteStillEndsWithACheckpoint()
        {
            // The step that would have saved is skipped: the run still ends with a checkpoint of its last step.
            ImageFolderDataset d = Dataset();
            var trainer = new DiffusionTrainer(d, Config(d), Options(2, checkpointEvery: 2), Path.Combine(_runs, "last-skipped"));
            trainer.PoisonLoss = step => step == 2;
            TrainingResult result = trainer.Run();
            Assert.Equal((2L, 1L), (result.Step, result.NonFiniteSkipped));
            Assert.Equal(2, Checkpoint.Latest(trainer.CheckpointFolder)?.Step);
        }

        [Fact]
        public void TheFirstNonFiniteLossIsDiagnosedAndOneThreadTakesOverWhenItComputesTheStep()
        {
            // A poisoned loss is non-finite once, as a kernel reading memory it never wrote would make it: the weights
            // stay finite and the same step recomputed (on the run's threads and on one) is finite.
            ImageFolderDataset d = Dataset();
            int threads = torch.get_num_threads();
            var trainer = new DiffusionTrainer(d, Config(d), Options(3, checkpointEvery: 3), Path.Combine(_runs, "diagnosed"));
            trainer.PoisonLoss = step => step == 2;
            var said = new List<string>();
            trainer.Message += said.Add;
            int threadsAfterStep3 = 0;
            trainer.StepCompleted += s => threadsAfterStep3 = s.Step == 3 ? torch.get_num_threads() : threadsAfterStep3;
            TrainingResult result = trainer.Run();

            Assert.Equal((3L, 1L, 0), (result.Step, result.NonFiniteSkipped, result.Rollbacks));
            string diagnosis = Assert.Single(said, m => m.StartsWith("Step 2: the weights are finite; recomputed, the same step's loss is ", StringComparison.Ordinal));
            Assert.Contains("(the non-finite value did not repeat)", diagnosis);
            Assert.Equal(threads > 1, said.Any(m => m.StartsWith("Continuing on 1 libtorch thread", StringComparison.Ordinal)));
            Assert.Equal(1, threadsAfterStep3);
            Assert.Equal(threads, torch.get_num_threads());
        }

        [Fact]
        public void ArithmeticThatFailsOnlyOnSeveralThreadsFallsBackToOneAndTheRunFinishes()
        {
            // As reported on an AMD EPYC: with libtorch's default threads every step after the first was non-finite,
            // with one thread training was normal. Simulated: the loss computation gives NaN whenever it runs on more
            // than one thread, from step 2 on.
            ImageFolderDataset d = Dataset();
            int threads = torch.get_num_threads();
            var trainer = new DiffusionTrainer(d, Config(d), Options(5, checkpointEvery: 5, threads: 2), Path.Combine(_runs, "one-thread"));
            trainer.PoisonArithmetic = step => step >= 2 && torch.get_num_threads() > 1;
            var said = new List<string>();
            trainer.Message += said.Add;
            TrainingResult result = trainer.Run();

            Assert.Equal((5L, 1L, 0), (result.Step, result.NonFiniteSkipped, result.Rollbacks));
            Assert.Contains("Step 2: the weights are finite; recomputed, it is non-finite again; on 1 libtorch thread instead of 2: ", string.Join("\n", said));
            Assert.Single(said, m => m.StartsWith("Continuing on 1 libtorch thread", StringComparison.Ordinal));
            Checkpoint last = Checkpoint.Latest(trainer.CheckpointFolder)!;
            using var ema = new UNet2D(last.UNetConfig);
            last.RestoreEma(ema);
            Assert.All(ema.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
            Assert.Equal(threads, torch.get_num_threads());
        }

        [Fact]
        public void TrainsWithLibtorchsDefaultThreadCountWithFiniteLossesAndWeights()
        {
            // The default users get (--threads 0): libtorch's own thread count, with attention (the small preset).
            ImageFolderDataset d = Dataset();
            UNet2DConfig config = ModelPresets.Create("small", 16, 3, PaddingMode.Circular, d.ClassNames);
            TrainingOptions options = Options(6, checkpointEvery: 6, batch: 8, learningRate: 1e-4);
            var trainer = new DiffusionTrainer(d, config, options, Path.Combine(_runs, "default-threads"));
            var losses = new List<double>();
            trainer.StepCompleted += s => losses.Add(s.Loss);
            TrainingResult result = trainer.Run();

            Assert.Equal(0, result.NonFiniteSkipped);
            Assert.Equal(6, losses.Count);
            Assert.All(losses, l => Assert.True(double.IsFinite(l) && l > 0, $"loss {l}"));
            Checkpoint last = Checkpoint.Latest(trainer.CheckpointFolder)!;
            using var ema = new UNet2D(last.UNetConfig);
            last.RestoreEma(ema);
            Assert.All(ema.parameters(), p => Assert.True(p.isfinite().all().item<bool>()));
        }

        [Fact]
        public void AThreadCountForTheRunIsRestoredAfterIt()
        {
            ImageFolderDataset d = Dataset();
            int before = torch.get_num_threads();
            int asked = before == 1 ? 2 : 1;
            int during = 0;
            var trainer = new DiffusionTrainer(d, Config(d), Options(1, checkpointEvery: 1, threads: asked), Path.Combine(_runs, "threads"));
            trainer.StepCompleted += _ => during = torch.get_num_threads();
            trainer.Run();
            Assert.Equal((asked, before), (during, torch.get_num_threads()));
        }

        [Fact]
        public void CancellationStopsAfterTheCurrentStepAndSaves()
        {
            ImageFolderDataset d = Dataset();
            var trainer = new DiffusionTrainer(d, Config(d), Options(1000, checkpointEvery: 500), Path.Combine(_runs, "cancel"));
            using var cancellation = new CancellationTokenSource();
            trainer.StepCompleted += s =>
            {
                if (s.Step == 4)
                {
                    cancellation.Cancel();
                }
            };
            TrainingResult result = trainer.Run(cancellation: cancellation.Token);
            Assert.True(result.Cancelled);
            Assert.Equal(4, result.Step);
            Assert.Equal(4, Checkpoint.Latest(trainer.CheckpointFolder)!.Step);
        }

        [Fact]
        public void VPredictionKeepsThePureNoiseTimestepsTrainedUnlessTheFloorIsTurnedOff()
        {
            ImageFolderDataset d = Dataset();
            List<string> Messages(TrainingOptions options, string name)
            {
                var trainer = new DiffusionTrainer(d, Config(d), options, Path.Combine(_runs, name));
                var said = new List<string>();
                trainer.Message += said.Add;
                trainer.Run();
                return said;
            }

            Assert.DoesNotContain(Messages(Options(1, checkpointEvery: 1, prediction: PredictionType.VPrediction), "v-default"), m => m.Contains("less than 1% weight"));
            string warning = Assert.Single(Messages(Options(1, checkpointEvery: 1, prediction: PredictionType.VPrediction, minSnrFloor: 0), "v-no-floor"), m => m.Contains("less than 1% weight"));
            Assert.Contains("--min-snr-floor 1", warning);

            var error = Assert.Throws<ArgumentException>(() => new DiffusionTrainer(d, Config(d), Options(1, minSnrFloor: 1), Path.Combine(_runs, "eps-floor")));
            Assert.Equal("floor", error.ParamName);
        }

        [Fact]
        public void VModelsAreExportedWithTrailingTimestepsAndEpsilonModelsWithLeading()
        {
            Assert.Equal(TimestepSpacing.Trailing, DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.VPrediction }).TimestepSpacing);
            Assert.Equal(TimestepSpacing.Leading, DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.Epsilon }).TimestepSpacing);
            // Trailing spacing starts sampling at the last training timestep, where a v-model predicts the image itself.
            Scheduler scheduler = DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.VPrediction }).CreateScheduler();
            scheduler.SetTimesteps(25);
            Assert.Equal(999f, scheduler.Timesteps[0]);

            // The Karras setting rides along in the DDPM configuration and reaches the samplers that read it.
            var dpm = (DPMSolverMultistepSchedulerConfig)DiffusionTrainer.TrainingScheduler(new TrainingOptions { PredictionType = PredictionType.VPrediction })
                .ConvertTo("DPMSolverMultistepScheduler");
            Assert.True(dpm.UseKarrasSigmas);
        }

        [Fact]
        public void ResumeRefusesADifferentModelOrSeed()
        {
            ImageFolderDataset d = Dataset();
            string run = Path.Combine(_runs, "mismatch");
            new DiffusionTrainer(d, Config(d), Options(2, checkpointEvery: 2), run).Run();
            // Without a checkpoint, Run(null) below would start afresh and refuse nothing.
            Checkpoint? checkpoint = Checkpoint.Latest(Path.Combine(run, "checkpoints"));
            Assert.NotNull(checkpoint);
            Assert.Equal(2, checkpoint!.Step);
            UNet2DConfig other = ModelPresets.Create("tiny", 16, 3, PaddingMode.Zeros, d.ClassNames);
            var error = Assert.Throws<InvalidDataException>(() => new DiffusionTrainer(d, other, Options(4), run).Run(checkpoint));
            Assert.Contains("different model configuration", error.Message);
            error = Assert.Throws<InvalidDataException>(() => new DiffusionTrainer(d, Config(d), Options(4, seed: 7), run).Run(checkpoint));
            Assert.Contains("--seed 99", error.Message);
        }

        public void Dispose()
        {
            _data.Dispose();
            try
            {
                Directory.Delete(_runs, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
