namespace LiveDiffusion.Editor.Onnx
{
    /// <summary>Element types of graph inputs, outputs and initializers (values are ONNX's TensorProto.DataType).</summary>
    public enum OnnxElementType
    {
        /// <summary>32-bit IEEE float.</summary>
        Float = 1,

        /// <summary>32-bit signed integer.</summary>
        Int32 = 6,

        /// <summary>64-bit signed integer.</summary>
        Int64 = 7,

        /// <summary>16-bit IEEE half float.</summary>
        Float16 = 10,
    }
}
