using System;
using LiveDiffusion.IO;
using Xunit;

namespace LiveDiffusion.Tests.IO
{
    public sealed class FloatFormatsTests
    {
        [Fact]
        public void HalfConversionMatchesSystemHalfBitForBit()
        {
            // System.Half (.NET) is the reference: round to nearest even, subnormals, overflow to infinity.
            var random = new System.Random(3);
            var special = new[] { 0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, 1e-8f, 5.96e-8f, 2.98e-8f, 2.99e-8f, 6.1e-5f, 6.0e-5f, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1e30f };
            foreach (float value in special)
            {
                Assert.Equal(BitConverter.HalfToUInt16Bits((Half)value), FloatFormats.ToHalf(value));
            }

            for (int i = 0; i < 200_000; i++)
            {
                float value = BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue));
                if (float.IsNaN(value))
                {
                    Assert.True(Half.IsNaN(BitConverter.UInt16BitsToHalf(FloatFormats.ToHalf(value))));
                    continue;
                }

                Assert.Equal(BitConverter.HalfToUInt16Bits((Half)value), FloatFormats.ToHalf(value));
            }
        }

        [Fact]
        public void HalfToFloatIsExactForEveryHalf()
        {
            for (int bits = 0; bits <= ushort.MaxValue; bits++)
            {
                Half h = BitConverter.UInt16BitsToHalf((ushort)bits);
                float expected = (float)h;
                float actual = FloatFormats.FromHalf((ushort)bits);
                if (float.IsNaN(expected))
                {
                    Assert.True(float.IsNaN(actual));
                }
                else
                {
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
                }
            }
        }

        [Theory]
        [InlineData(1f, 0x3F80)]
        [InlineData(-2f, 0xC000)]
        [InlineData(1.00390625f, 0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: ties to even
        [InlineData(1.01171875f, 0x3F82)] // halfway between 0x3F81 and 0x3F82: ties to even (up)
        [InlineData(3.0e38f, 0x7F62)]
        public void BFloat16RoundsToNearestEven(float value, int expected)
        {
            Assert.Equal((ushort)expected, FloatFormats.ToBFloat16(value));
            float back = FloatFormats.FromBFloat16(FloatFormats.ToBFloat16(value));
            Assert.True(Math.Abs(back - value) <= Math.Abs(value) / 256, $"{value} came back as {back}"); // 8 significant bits
        }
    }
}
