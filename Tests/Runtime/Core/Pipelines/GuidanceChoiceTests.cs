using System;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class GuidanceChoiceTests
    {
        private static readonly (float, float) Recommended = (0f, 400f);

        private static GuidanceChoice Resolve(float? cfg, float? auto, string? interval, bool hasGuide = true) =>
            GuidanceChoice.Resolve(cfg, auto, interval, hasGuide, 1.7f, hasGuide ? Recommended : null, 1.5f, "models/m");

        [Fact]
        public void NothingAskedTakesTheFoldersAutoguidanceAndInterval()
        {
            GuidanceChoice choice = Resolve(null, null, null);
            Assert.Equal((1f, 1.7f, ((float, float)?)Recommended, true), (choice.ClassifierFreeScale, choice.AutoguidanceScale, choice.Interval, choice.IsFolderDefault));
        }

        [Fact]
        public void NothingAskedWithoutAGuideIsClassifierFreeGuidanceAtTheDefaultEveryStep()
        {
            GuidanceChoice choice = Resolve(null, null, null, hasGuide: false);
            Assert.Equal((1.5f, 1f, ((float, float)?)null, false), (choice.ClassifierFreeScale, choice.AutoguidanceScale, choice.Interval, choice.IsFolderDefault));
        }

        [Fact]
        public void AskedScalesAreUsedAndTheFoldersIntervalOnlyComesWithItsOwnGuidance()
        {
            GuidanceChoice cfg = Resolve(2f, null, null);
            Assert.Equal((2f, 1f, ((float, float)?)null, false), (cfg.ClassifierFreeScale, cfg.AutoguidanceScale, cfg.Interval, cfg.IsFolderDefault));
            GuidanceChoice auto = Resolve(null, 1.3f, null);
            Assert.Equal((1f, 1.3f, ((float, float)?)null), (auto.ClassifierFreeScale, auto.AutoguidanceScale, auto.Interval));
            GuidanceChoice off = Resolve(1.5f, 1f, null);
            Assert.Equal((1.5f, 1f), (off.ClassifierFreeScale, off.AutoguidanceScale));
        }

        [Fact]
        public void AnAskedIntervalWinsAndAllMeansEveryStep()
        {
            Assert.Equal(((float, float)?)(100f, 300f), Resolve(null, 1.3f, "100..300").Interval);
            Assert.Equal(((float, float)?)(100f, 300f), Resolve(null, null, "100..300").Interval);
            GuidanceChoice all = Resolve(null, null, "ALL");
            Assert.Null(all.Interval);
            Assert.Equal(1.7f, all.AutoguidanceScale);
        }

        [Fact]
        public void ImpossibleRequestsAreRefusedWithTheFix()
        {
            var noGuide = Assert.Throws<ArgumentException>(() => Resolve(null, 1.3f, null, hasGuide: false));
            Assert.Contains("needs a guide UNet, and models/m has none", noGuide.Message);
            Assert.Contains("livediffusion guide", noGuide.Message);
            var both = Assert.Throws<ArgumentException>(() => Resolve(1.5f, 1.3f, null));
            Assert.Contains("not combined", both.Message);
            var interval = Assert.Throws<ArgumentException>(() => Resolve(null, null, "400..100"));
            Assert.Contains("--guidance-interval", interval.Message);
            Assert.Contains("'all'", interval.Message);
        }
    }
}
