using System;
using System.Linq;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class TextureRequestTests
    {
        private static readonly TextureRequest All = new TextureRequest { Seed = 7, Steps = 12, Scheduler = "ddim", AutoguidanceScale = 1.7f, GuidanceInterval = (0f, 400f), Size = 48 };

        [Fact]
        public void ACountIsSharedEvenlyOverClassesWithConsecutiveSeeds()
        {
            var requests = All.ShareOver(new[] { "floor", "wall", "door" }, 8);
            Assert.Equal(new[] { ("floor", 3, 7UL), ("wall", 3, 10UL), ("door", 2, 13UL) }, requests.Select(r => (r.ClassName!, r.Count, r.Seed)).ToArray());
            Assert.All(requests, r => Assert.Equal((12, "ddim", 1.7f, ((float, float)?)(0f, 400f), 48), (r.Steps, r.Scheduler, r.AutoguidanceScale, r.GuidanceInterval, r.Size)));
        }

        [Fact]
        public void ClassesWithoutAShareAreLeftOutAndNoClassIsAClassToo()
        {
            Assert.Equal(new[] { ("floor", 1, 7UL) }, All.ShareOver(new[] { "floor", "wall" }, 1).Select(r => (r.ClassName!, r.Count, r.Seed)).ToArray());
            TextureRequest single = Assert.Single(All.ShareOver(new string?[] { null }, 5));
            Assert.Equal(((string?)null, 5, 7UL), (single.ClassName, single.Count, single.Seed));
        }

        [Fact]
        public void NothingToShareIsRefused()
        {
            Assert.Throws<ArgumentException>(() => All.ShareOver(new[] { "floor" }, 0));
            Assert.Throws<ArgumentException>(() => All.ShareOver(Array.Empty<string?>(), 3));
        }
    }
}
