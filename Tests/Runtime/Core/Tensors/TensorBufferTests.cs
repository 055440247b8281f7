using System;
using Xunit;

namespace LiveDiffusion.Tests.Tensors
{
    public sealed class TensorBufferTests
    {
        [Fact]
        public void ShapeAndViewsAreNchw()
        {
            var t = new TensorBuffer(2, 3, 4, 5);
            Assert.Equal(120, t.Length);
            Assert.Equal(60, t.ItemLength);
            Assert.Equal(20, t.PlaneLength);
            t.Plane(1, 2)[0] = 7f;
            Assert.Equal(7f, t.Array[(1 * 3 + 2) * 20]);
            Assert.Equal(7f, t.Item(1)[40]);
            Assert.Equal("[2, 3, 4, 5]", t.ShapeString);
        }

        [Fact]
        public void WrappingAnArrayOfTheWrongLengthThrows()
        {
            var ex = Assert.Throws<ArgumentException>(() => new TensorBuffer(1, 4, 8, 8, new float[10]));
            Assert.Contains("256", ex.Message);
        }

        [Fact]
        public void ZeroDimensionsThrow()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBuffer(1, 0, 8, 8));
            Assert.Throws<ArgumentOutOfRangeException>(() => new TensorBuffer(1, 4, 8, 8).Item(1));
        }

        [Fact]
        public void CopyToChecksShape()
        {
            var a = new TensorBuffer(1, 1, 2, 2, new[] { 1f, 2f, 3f, 4f });
            var b = a.CreateLike();
            a.CopyTo(b);
            Assert.Equal(a.Array, b.Array);
            Assert.Throws<ArgumentException>(() => a.CopyTo(new TensorBuffer(1, 1, 2, 3)));
        }
    }
}
