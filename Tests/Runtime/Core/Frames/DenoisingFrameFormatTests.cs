using System;
using System.IO;
using LiveDiffusion.Frames;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Tests.Pipelines
{
    public sealed class DenoisingFrameFormatTests
    {
        private static DenoisingFrame Frame(int index, int n, int c, int h, int w)
        {
            using var channel = new DenoisingFrameChannel();
            var latents = new TensorBuffer(n, c, h, w);
            var x0 = latents.CreateLike();
            for (int i = 0; i < latents.Length; i++)
            {
                latents.Span[i] = (i * 0.25f) - index;
                x0.Span[i] = MathF.Sin(i + index);
            }

            channel.Publish(index, 25, 961f - (40 * index), TimeSpan.FromMilliseconds(123.4 * (index + 1)), TimeSpan.FromMilliseconds(12.5), latents, x0);
            var frame = new DenoisingFrame();
            Assert.True(channel.TryReadLatest(0, frame));
            return frame;
        }

        [Fact]
        public void RecordsRoundTripExactly()
        {
            var frames = new[] { Frame(0, 2, 3, 4, 5), Frame(1, 2, 3, 4, 5), Frame(2, 1, 4, 8, 8) };
            using var stream = new MemoryStream();
            foreach (DenoisingFrame f in frames)
            {
                DenoisingFrameFormat.Write(stream, f);
            }

            Assert.Equal(DenoisingFrameFormat.RecordSize(frames[0]) * 2 + DenoisingFrameFormat.RecordSize(frames[2]), stream.Length);
            stream.Position = 0;
            var read = new DenoisingFrame();
            foreach (DenoisingFrame expected in frames)
            {
                Assert.True(DenoisingFrameFormat.TryRead(stream, read));
                Assert.Equal((expected.Sequence, expected.Index, expected.Count, expected.Timestep), (read.Sequence, read.Index, read.Count, read.Timestep));
                Assert.Equal((expected.Elapsed, expected.StepTime), (read.Elapsed, read.StepTime));
                Assert.Equal(expected.ShapeString, read.ShapeString);
                Assert.Equal(expected.Latents.ToArray(), read.Latents.ToArray());
                Assert.Equal(expected.PredictedOriginal.ToArray(), read.PredictedOriginal.ToArray());
            }

            Assert.False(DenoisingFrameFormat.TryRead(stream, read));
        }

        [Fact]
        public void TryRead_ThrowsForATruncatedRecord()
        {
            using var stream = new MemoryStream();
            DenoisingFrameFormat.Write(stream, Frame(0, 1, 3, 4, 4));
            var cut = new MemoryStream(stream.ToArray(), 0, (int)stream.Length - 7);
            var e = Assert.Throws<InvalidDataException>(() => DenoisingFrameFormat.TryRead(cut, new DenoisingFrame()));
            Assert.Contains("ends inside", e.Message);
        }

        [Fact]
        public void TryRead_ThrowsForBytesThatAreNotAFrame()
        {
            var stream = new MemoryStream(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 0, 0 });
            var e = Assert.Throws<InvalidDataException>(() => DenoisingFrameFormat.TryRead(stream, new DenoisingFrame()));
            Assert.Contains("LDFR", e.Message);
        }

        [Fact]
        public void TryRead_ThrowsForANewerVersion()
        {
            using var stream = new MemoryStream();
            DenoisingFrameFormat.Write(stream, Frame(0, 1, 3, 2, 2));
            byte[] bytes = stream.ToArray();
            bytes[4] = 9;
            var e = Assert.Throws<InvalidDataException>(() => DenoisingFrameFormat.TryRead(new MemoryStream(bytes), new DenoisingFrame()));
            Assert.Contains("version 9", e.Message);
        }
    
        /// <summary>
        /// Found by afl++ (Tests/Fuzz/regressions/frames): four large dimensions whose product wrapped around 64 bits to a
        /// small number passed the size check, and the reader then failed with an ArgumentOutOfRangeException.
        /// </summary>
        [Theory]
        [InlineData(1, 429457411, 855638079, 1288490303)]
        [InlineData(1050253722, 1053609165, 1056964608, 1058642330)]
        [InlineData(1, 1 << 14, 1 << 14, 2)]
        [InlineData(-1, 3, 2, 2)]
        public void TryRead_RefusesShapesWhoseSizeIsImpossibleWithoutAllocating(int n, int c, int h, int w)
        {
            using var stream = new MemoryStream();
            DenoisingFrameFormat.Write(stream, Frame(0, 1, 3, 2, 2));
            byte[] bytes = stream.ToArray();
            foreach ((int at, int value) in new[] { (48, n), (52, c), (56, h), (60, w) })
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
            }

            var e = Assert.Throws<InvalidDataException>(() => DenoisingFrameFormat.TryRead(new MemoryStream(bytes), new DenoisingFrame()));
            Assert.Contains($"impossible shape [{n}, {c}, {h}, {w}]", e.Message);
        }
}
}
