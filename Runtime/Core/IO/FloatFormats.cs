#nullable enable
using System;
using System.Runtime.CompilerServices;

namespace LiveDiffusion.IO
{
    /// <summary>
    /// Conversions between float32 and the 16-bit formats that weights are stored in (IEEE binary16 and bfloat16),
    /// written out because netstandard2.1 has no System.Half. Both narrowings round to nearest, ties to even, and keep
    /// NaN a NaN.
    /// </summary>
    public static class FloatFormats
    {
        /// <summary>float32 → bfloat16 bits.</summary>
        public static ushort ToBFloat16(float value)
        {
            uint bits = SingleToUInt32(value);
            if ((bits & 0x7FFFFFFFu) > 0x7F800000u)
            {
                return (ushort)((bits >> 16) | 0x0040u); // quiet NaN
            }

            uint rounding = 0x7FFFu + ((bits >> 16) & 1u);
            return (ushort)((bits + rounding) >> 16);
        }

        /// <summary>bfloat16 bits → float32 (exact).</summary>
        public static float FromBFloat16(ushort bits) => UInt32ToSingle((uint)bits << 16);

        /// <summary>float32 → IEEE binary16 bits.</summary>
        public static ushort ToHalf(float value)
        {
            uint bits = SingleToUInt32(value);
            uint sign = (bits >> 16) & 0x8000u;
            uint abs = bits & 0x7FFFFFFFu;
            if (abs > 0x7F800000u)
            {
                return (ushort)(sign | 0x7E00u);
            }

            if (abs >= 0x477FF000u)
            {
                // Rounds to a value beyond the largest half (65504): infinity.
                return (ushort)(sign | 0x7C00u);
            }

            if (abs < 0x38800000u)
            {
                // Subnormal half (or zero): scale into the integer grid of 2^-24 and round to nearest even.
                if (abs < 0x33000000u)
                {
                    return (ushort)sign;
                }

                int exponent = (int)(abs >> 23);
                uint mantissa = (abs & 0x7FFFFFu) | 0x800000u;
                // value = mantissa * 2^(exponent - 150); the half subnormal unit is 2^-24, so drop (126 - exponent) bits.
                int shift = 126 - exponent;
                uint halfMantissa = mantissa >> shift;
                uint remainder = mantissa & ((1u << shift) - 1u);
                uint halfway = 1u << (shift - 1);
                if (remainder > halfway || (remainder == halfway && (halfMantissa & 1u) != 0))
                {
                    halfMantissa++;
                }

                return (ushort)(sign | halfMantissa);
            }

            // Normal: rebias the exponent (127 → 15) and round the 23-bit mantissa to 10 bits.
            uint rebased = abs - 0x38000000u;
            uint roundingBias = 0xFFFu + ((rebased >> 13) & 1u);
            return (ushort)(sign | ((rebased + roundingBias) >> 13));
        }

        /// <summary>IEEE binary16 bits → float32 (exact).</summary>
        public static float FromHalf(ushort bits)
        {
            uint sign = (uint)(bits & 0x8000) << 16;
            uint exponent = (uint)(bits >> 10) & 0x1Fu;
            uint mantissa = bits & 0x3FFu;
            if (exponent == 0x1F)
            {
                return UInt32ToSingle(sign | 0x7F800000u | (mantissa << 13));
            }

            if (exponent == 0)
            {
                if (mantissa == 0)
                {
                    return UInt32ToSingle(sign);
                }

                // Subnormal: value = mantissa * 2^-24.
                float magnitude = mantissa * (1f / 16777216f);
                return sign != 0 ? -magnitude : magnitude;
            }

            return UInt32ToSingle(sign | ((exponent + 112u) << 23) | (mantissa << 13));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static uint SingleToUInt32(float value) => unchecked((uint)FloatBits.ToInt32(value));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float UInt32ToSingle(uint bits) => FloatBits.FromInt32(unchecked((int)bits));
    }
}
