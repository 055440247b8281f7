using System;
using System.IO;
using System.Linq;
using LiveDiffusion.IO;
using Xunit;

namespace LiveDiffusion.Tests.IO
{
    public sealed class SafeTensorsTests
    {
        [Theory]
        [InlineData(SafeTensorDType.Float32)]
        [InlineData(SafeTensorDType.Float16)]
        [InlineData(SafeTensorDType.BFloat16)]
        public void WriteThenReadRoundTrips(SafeTensorDType dtype)
        {
            var writer = new SafeTensorsWriter();
            writer.Metadata["format"] = "pt";
            float[] a = Enumerable.Range(0, 24).Select(i => (i - 12) * 0.25f).ToArray(); // exact in every format
            float[] b = { 3.5f };
            writer.Add("layer.weight", new long[] { 2, 3, 4 }, a);
            writer.Add("layer.bias", new long[] { 1 }, b);
            using var stream = new MemoryStream();
            writer.WriteTo(stream, dtype);
            byte[] bytes = stream.ToArray();
            Assert.Equal(0, (BitConverter.ToInt64(bytes, 0) + 8) % 8); // data starts 8-byte aligned

            SafeTensorsFile file = SafeTensorsFile.Parse(bytes, "memory");
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.Equal(new[] { "layer.weight", "layer.bias" }, file.Names.ToArray());
            Assert.Equal(new long[] { 2, 3, 4 }, file.Info("layer.weight").Shape);
            Assert.Equal(dtype, file.Info("layer.weight").DType);
            Assert.Equal(a, file.ReadFloat32("layer.weight"));
            Assert.Equal(b, file.ReadFloat32("layer.bias"));
        }

        [Fact]
        public void TruncatedAndMalformedFilesAreRefusedWithTheReason()
        {
            var writer = new SafeTensorsWriter();
            writer.Add("w", new long[] { 100 }, new float[100]);
            using var stream = new MemoryStream();
            writer.WriteTo(stream);
            byte[] bytes = stream.ToArray();

            var truncated = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes.AsSpan(0, bytes.Length - 10).ToArray(), "cut.safetensors"));
            Assert.Contains("cut.safetensors is truncated", truncated.Message);
            Assert.Contains("'w'", truncated.Message);

            var tiny = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(new byte[] { 1, 2, 3 }, "x.safetensors"));
            Assert.Contains("not a safetensors file", tiny.Message);

            byte[] garbage = (byte[])bytes.Clone();
            garbage[8] = (byte)'#'; // the header's opening brace
            Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(garbage, "g.safetensors"));

            var missing = Assert.Throws<System.Collections.Generic.KeyNotFoundException>(() => SafeTensorsFile.Parse(bytes, "m.safetensors").Info("nope"));
            Assert.Contains("m.safetensors has no tensor named 'nope'", missing.Message);
        }

        [SharedDataFact]
        public void ReadsTheBf16TaesdWeights()
        {
            SafeTensorsFile file = SafeTensorsFile.Read(SharedData.PathOf("taesd", "taesd_decoder.safetensors"));
            Assert.Equal(67, file.Tensors.Count());
            Assert.All(file.Tensors, t => Assert.Equal(SafeTensorDType.BFloat16, t.DType));
            long parameters = file.Tensors.Sum(t => t.ElementCount);
            Assert.Equal(1_222_531, parameters); // the count stated in the data's README
            float[] first = file.ReadFloat32(file.Names.First());
            Assert.All(first, v => Assert.True(float.IsFinite(v) && Math.Abs(v) < 100));
        }

        [Fact]
        public void AtomicWriteReplacesAndLeavesNoTemporaryFile()
        {
            string folder = Path.Combine(Path.GetTempPath(), "ld-atomic-" + Guid.NewGuid().ToString("N"));
            try
            {
                string path = Path.Combine(folder, "a", "file.bin");
                AtomicFile.WriteAllBytes(path, new byte[] { 1 });
                AtomicFile.WriteAllBytes(path, new byte[] { 2, 3 });
                Assert.Equal(new byte[] { 2, 3 }, File.ReadAllBytes(path));
                Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
                {
                    s.WriteByte(9);
                    throw new InvalidOperationException("writer failed half way");
                }));
                Assert.Equal(new byte[] { 2, 3 }, File.ReadAllBytes(path)); // the old file survives a failed write
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
