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
        public void ALargeRequestSplitsIntoBatchesThatKeepEveryTexturesSeed()
        {
            TextureRequest wall = All.ShareOver(new[] { "wall" }, 37)[0];
            var batches = wall.InBatches(16);
            Assert.Equal(new[] { (16, 7UL), (16, 23UL), (5, 39UL) }, batches.Select(b => (b.Count, b.Seed)).ToArray());
            Assert.All(batches, b => Assert.Equal(("wall", 12, "ddim", 1.7f, 48), (b.ClassName!, b.Steps, b.Scheduler, b.AutoguidanceScale, b.Size)));
            Assert.Equal(Enumerable.Range(0, 37).Select(i => 7UL + (ulong)i), batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.Seed + (ulong)i)));
            Assert.Single(wall.InBatches(37));
            Assert.Throws<ArgumentOutOfRangeException>(() => wall.InBatches(0));
        }

        [Fact]
        public void NothingToShareIsRefused()
        {
            Assert.Throws<ArgumentException>(() => All.ShareOver(new[] { "floor" }, 0));
            Assert.Throws<ArgumentException>(() => All.ShareOver(Array.Empty<string?>(), 3));
        }
    }
}
