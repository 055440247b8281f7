#nullable enable
using LiveDiffusion.Models;

namespace LiveDiffusion.Onnx
{
    /// <summary>
    /// Builds the ONNX model of one UNet of a model folder in memory: its UNet, or its guide UNet when
    /// <paramref name="guide"/> is true. <see cref="OnnxTextureGenerator"/> calls it for a folder that ships no
    /// <c>model.onnx</c>; the editor's exporter (<c>UNet2DOnnxExporter.InMemory</c>) is one.
    /// </summary>
    /// <exception cref="ModelConfigException">The weights are missing or do not match the configuration.</exception>
    public delegate byte[] UNetOnnxExport(ModelFolder folder, bool guide);
}
