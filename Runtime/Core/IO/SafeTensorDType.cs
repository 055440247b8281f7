#nullable enable
namespace LiveDiffusion.IO
{
    /// <summary>Element types of a safetensors file that weights are stored in.</summary>
    public enum SafeTensorDType
    {
        /// <summary>IEEE float32 ("F32").</summary>
        Float32,

        /// <summary>IEEE binary16 ("F16").</summary>
        Float16,

        /// <summary>bfloat16 ("BF16").</summary>
        BFloat16,

        /// <summary>64-bit signed integer ("I64"); read only.</summary>
        Int64,

        /// <summary>32-bit signed integer ("I32"); read only.</summary>
        Int32,
    }
}
