#nullable enable
namespace LiveDiffusion
{
    /// <summary>
    /// Reinterprets floats as their IEEE 754 bits and back, and tests for finite values: what
    /// <c>BitConverter.SingleToInt32Bits</c> and <c>float.IsFinite</c> do on .NET Standard 2.1, written so the runtime
    /// also compiles at Unity's .NET Framework API level, which lacks them.
    /// </summary>
    internal static class FloatBits
    {
        /// <summary>The bits of <paramref name="value"/> (sign, exponent, mantissa) as an integer.</summary>
        public static unsafe int ToInt32(float value) => *(int*)&value;

        /// <summary>The float whose bits are <paramref name="bits"/>.</summary>
        public static unsafe float FromInt32(int bits) => *(float*)&bits;

        /// <summary>Neither infinite nor NaN.</summary>
        public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);
    }
}
