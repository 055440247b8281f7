using System;
using System.Collections.Generic;
using System.IO;
using LiveDiffusion.Editor.Onnx;
using LiveDiffusion.Editor.Tests.Training;
using LiveDiffusion.Models;
using LiveDiffusion.Onnx;
using LiveDiffusion.Pipelines;
using Xunit;

namespace LiveDiffusion.Editor.Tests.Onnx
{
    /// <summary>The one way to open a texture model folder with ONNX Runtime: its model.onnx, or the exporter's in-memory model.</summary>
    public sealed class OnnxTextureGeneratorTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-onnx-open-" + Guid.NewGuid().ToString("N"));

        private ModelFolder TinyFolder() => ModelFolder.Open(TinyModelFolder.Write(_folder, 16, null, seed: 3));

        [Fact]
        public void AFolderWithoutModelOnnxNeedsTheExporterAndThenTheFileIsUsed()
        {
            ModelFolder folder = TinyFolder();
            var error = Assert.Throws<ModelConfigException>(() => OnnxTextureGenerator.Load(folder));
            Assert.Contains("export the model first (livediffusion export --model " + folder.Path + ")", error.Message);

            var request = new TextureRequest { Count = 2, Seed = 4, Steps = 3 };
            var log = new List<string>();
            byte[] inMemory;
            using (TextureGenerator generator = OnnxTextureGenerator.Load(folder, UNet2DOnnxExporter.InMemory, log: log.Add))
            {
                Assert.Null(generator.Guide);
                Assert.StartsWith("onnx:", generator.Denoiser.Info.Name);
                inMemory = generator.Generate(request).Images[1].Pixels;
            }

            Assert.StartsWith("onnx: exported the UNet in memory in ", Assert.Single(log));

            UNet2DOnnxExporter.Export(folder.Path);
            log.Clear();
            using (TextureGenerator generator = OnnxTextureGenerator.Load(folder.Path, log: log.Add))
            {
                // The same model bytes, from the file: the same pixels.
                Assert.Equal(inMemory, generator.Generate(request).Images[1].Pixels);
            }

            Assert.Equal($"onnx: {folder.OnnxPath} on Cpu", Assert.Single(log));
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
