using System;
using System.IO;
using System.Linq;
using LiveDiffusion.Frames;
using LiveDiffusion.Imaging;
using LiveDiffusion.Pipelines;
using LiveDiffusion.Preview;
using LiveDiffusion.Rendering.Preview;
using LiveDiffusion.Rendering.Viewer;
using LiveDiffusion.Tests.Support;
using LiveDiffusion.Torch.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LiveDiffusion.Rendering.Tests.Viewer
{
    /// <summary>
    /// The decoded view for SD 1.x latents: TAESD (the pretrained weights in the shared data) decodes each frame on the
    /// viewer's side. A real texture is encoded to a latent with TAESD's encoder, streamed as x0, and drawn headless.
    /// </summary>
    public sealed class DecodedViewTests : IDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "ld-decoded-" + Guid.NewGuid().ToString("N"));

        public DecodedViewTests(ITestOutputHelper output) => _output = output;

        public void Dispose()
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, true);
            }
        }

        [SharedDataFact("taesd", "dungeon-tiles/floor")]
        public void DecodedViewShowsTaesdPixels_CloserToTheImageThanTheLatentMatrix()
        {
            string taesd = SharedDataFolder.Require("taesd");
            string tile = Directory.GetFiles(SharedDataFolder.Require("dungeon-tiles", "floor"), "*.png").OrderBy(f => f, StringComparer.Ordinal).First();
            RgbImage original = PngFile.Read(tile, 3).ScaleNearest(64 / PngFile.Read(tile, 3).Width);
            Assert.Equal(64, original.Width);

            // Encode the 64x64 texture to a [1, 4, 8, 8] SD latent with TAESD's encoder.
            var image = new TensorBuffer(1, 3, 64, 64);
            ImageConversion.FromImage(original, image, 0, 0f, 1f);
            var latent = new TensorBuffer(1, 4, 8, 8);
            using (TaesdEncoder encoder = TaesdEncoder.Load(Path.Combine(taesd, TaesdEncoder.WeightsFileName)))
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            {
                Tensor z = encoder.forward(tensor(image.Array, new long[] { 1, 3, 64, 64 })).contiguous();
                z.data<float>().CopyTo(latent.Span);
            }

            using var decoder = TaesdPreviewDecoder.Load(taesd);
            var expectedPixels = new TensorBuffer(1, 3, 64, 64);
            decoder.Decode(latent.Span, 1, 8, 8, expectedPixels.Span);

            ShownFrame? decoded = Draw(latent, LatentView.Decoded, decoder);
            ShownFrame? matrix = Draw(latent, LatentView.Image, decoder);
            Assert.NotNull(decoded);
            Assert.NotNull(matrix);

            // The x0 panel is the decoder's output, 256 / 64 = 4 pixels per decoded pixel.
            var panel = decoded!.PredictedOriginalPanel;
            Assert.Equal((256, 256), (panel.Width, panel.Height));
            RgbImage expected = ImageConversion.ToImage(expectedPixels, 0).ScaleNearest(4);
            byte[] shown = PanelCheck.Crop(decoded.Image, panel);
            int worst = shown.Select((v, i) => Math.Abs(v - expected.Pixels[i])).Max();
            Assert.True(worst <= 1, $"the decoded panel differs from the decoder's output by {worst}/255");

            // TAESD's round trip is close to the texture; the 4x3 matrix is only an approximation of it.
            byte[] reference = original.ScaleNearest(4).Pixels;
            double decodedError = MeanAbs(shown, reference);
            double matrixError = MeanAbs(PanelCheck.Crop(matrix!.Image, matrix.PredictedOriginalPanel), reference);
            _output.WriteLine($"{Path.GetFileName(tile)}: mean |error| vs the texture: TAESD decoded {decodedError:F1}/255, SD latent matrix {matrixError:F1}/255");
            Assert.True(decodedError < 20, $"TAESD decoded view is {decodedError:F1}/255 from the texture");
            Assert.True(decodedError < matrixError, "the decoded view should be closer to the texture than the matrix view");
        }

        private ShownFrame? Draw(TensorBuffer latent, LatentView view, IPreviewDecoder decoder)
        {
            ShownFrame? shown = null;
            using var channel = new DenoisingFrameChannel();
            var options = new LiveViewerOptions { Encoding = LatentEncoding.StableDiffusion1, View = view, Decoder = decoder, FrameShown = f => shown = f };
            using var writer = new HeadlessFrameWriter(channel, Path.Combine(_folder, view.ToString()), options);
            channel.Publish(0, 1, 1f, TimeSpan.Zero, TimeSpan.Zero, latent, latent);
            channel.Complete();
            Assert.True(writer.WaitForCompletion(TimeSpan.FromSeconds(60)));
            return shown;
        }

        private static double MeanAbs(byte[] a, byte[] b) => a.Select((v, i) => (double)Math.Abs(v - b[i])).Average();
    }
}
