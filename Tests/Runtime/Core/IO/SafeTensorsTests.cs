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

        /// <summary>Raw safetensors bytes: the 8-byte length, <paramref name="header"/> as JSON, then <paramref name="dataBytes"/> bytes of data (value i = i).</summary>
        private static byte[] Raw(string header, int dataBytes)
        {
            byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
            var bytes = new byte[8 + json.Length + dataBytes];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
            json.CopyTo(bytes, 8);
            for (int i = 0; i < dataBytes; i++)
            {
                bytes[8 + json.Length + i] = (byte)i;
            }

            return bytes;
        }

        [Theory]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", "tensors 'a' (bytes 0..8) and 'b' (bytes 4..12) overlap")]
        [InlineData("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", "has dtype 'F64'; supported: F32, F16, BF16, I64, I32")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}}", "malformed shape or data_offsets")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}}", "malformed shape or data_offsets")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,\"16\"]}}", "malformed shape or data_offsets")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", "is truncated: tensor 'a' ends at byte 24 of the data, which has 16")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4000000000,4000000000,4000000000],\"data_offsets\":[0,16]}}", "too many elements to address")]
        [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[4]}}", "needs dtype (a string), shape and data_offsets (arrays)")]
        [InlineData("{\"__metadata__\":[1]}", "__metadata__ is not a JSON object")]
        [InlineData("[1]", "the safetensors header is not a JSON object")]
        public void HostileHeadersAreRefusedBeforeAnyTensorIsRead(string header, string message)
        {
            var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(Raw(header, 16), "h.safetensors"));
            Assert.Contains(message, error.Message);
        }

        [Fact]
        public void AnAbsurdHeaderLengthIsRefusedWithoutAllocatingIt()
        {
            string path = Path.Combine(Path.GetTempPath(), "ld-huge-header-" + Guid.NewGuid().ToString("N") + ".safetensors");
            try
            {
                var bytes = new byte[16];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue - 5);
                File.WriteAllBytes(path, bytes);
                var error = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
                Assert.Contains($"the header claims {ulong.MaxValue - 5} bytes", error.Message);
                Assert.Contains($"at most {SafeTensorsFile.MaxHeaderBytes} accepted", error.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        /// <summary>A tensor past the 2 GiB mark of a (sparse) file is read from its offset; nothing reads the whole file.</summary>
        [Fact]
        public void FilesOver2GiBAreReadByOffset()
        {
            string path = Path.Combine(Path.GetTempPath(), "ld-big-" + Guid.NewGuid().ToString("N") + ".safetensors");
            const long Far = (1L << 31) + 4096;
            try
            {
                byte[] head = Raw($"{{\"far\":{{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[{Far},{Far + 16}]}}}}", 0);
                using (var stream = new FileStream(path, FileMode.CreateNew))
                {
                    stream.Write(head, 0, head.Length);
                    stream.Seek(head.Length + Far, SeekOrigin.Begin);
                    foreach (float v in new[] { 1.5f, -2f, 3.25f, 1e-3f })
                    {
                        stream.Write(BitConverter.GetBytes(v), 0, 4);
                    }
                }

                SafeTensorsFile file = SafeTensorsFile.Read(path);
                Assert.Equal(new[] { 1.5f, -2f, 3.25f, 1e-3f }, file.ReadFloat32("far"));

                // A file that shrank after it was opened is named, not read past its end.
                using (var stream = new FileStream(path, FileMode.Open))
                {
                    stream.SetLength(Far);
                }

                Assert.Contains("changed since it was opened", Assert.Throws<InvalidDataException>(() => file.ReadFloat32("far")).Message);
            }
            finally
            {
                File.Delete(path);
            }
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
