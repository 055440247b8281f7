using TorchSharp;
using static TorchSharp.torch;

namespace LiveDiffusion.Torch
{
    /// <summary>
    /// Tensor arithmetic whose <see cref="Scalar"/>s live until the native call has read them. This package's TorchSharp
    /// code uses these wherever a number or TorchSharp itself would make a Scalar: tensor + tensor, any operator or
    /// method given a number. Tensor − tensor and tensor · tensor make none and stay as operators.
    /// </summary>
    /// <remarks>
    /// <para>
    /// TorchSharp 0.107 converts numbers to <see cref="Scalar"/> implicitly (<c>t * 0.5</c>, <c>t.mul_(decay)</c>),
    /// and some of its own methods make one inside (<c>a + b</c> is <c>add(b, 1)</c>; <c>square()</c> is
    /// <c>pow(2)</c>; <c>arange(n)</c> starts at an implicit 0). Such a Scalar is left to the finalizer, and nothing
    /// holds it once its native handle has been passed on: a garbage collection on any thread during the call can
    /// free it while libtorch is still reading it. That showed as rare "Expected false to be true" errors from
    /// <c>Scalar::toFloat</c> in the UNet's residual add, and nothing rules out a freed Scalar read as a wrong value.
    /// </para>
    /// <para>
    /// Here constants are static fields (rooted for the life of the process) and per-call values are disposed after
    /// the call, which keeps them reachable through it. <c>ScalarLifetimeTests</c> reads the compiled code of every
    /// LiveDiffusion assembly and fails on any implicit Scalar or call into a TorchSharp method that makes one.
    /// </para>
    /// </remarks>
    public static class TensorArithmetic
    {
        /// <summary>0, rooted for the life of the process.</summary>
        public static readonly Scalar Zero = 0.0.ToScalar();

        /// <summary>0.5, rooted for the life of the process.</summary>
        public static readonly Scalar Half = 0.5.ToScalar();

        /// <summary>1, rooted for the life of the process (the alpha of every tensor + tensor here).</summary>
        public static readonly Scalar One = 1.0.ToScalar();

        /// <summary>2, rooted for the life of the process.</summary>
        public static readonly Scalar Two = 2.0.ToScalar();

        /// <summary>3, rooted for the life of the process.</summary>
        public static readonly Scalar Three = 3.0.ToScalar();

        /// <summary><paramref name="a"/> + <paramref name="b"/> (broadcasting), as a new tensor.</summary>
        public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

        /// <summary><paramref name="a"/> += <paramref name="b"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor PlusInPlace(this Tensor a, Tensor b) => a.add_(b, One);

        /// <summary><paramref name="a"/> += <paramref name="alpha"/> · <paramref name="b"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor PlusScaledInPlace(this Tensor a, Tensor b, double alpha)
        {
            using Scalar k = alpha.ToScalar();
            return a.add_(b, k);
        }

        /// <summary><paramref name="a"/> · <paramref name="factor"/>, as a new tensor.</summary>
        public static Tensor Times(this Tensor a, double factor)
        {
            using Scalar k = factor.ToScalar();
            return a.mul(k);
        }

        /// <summary><paramref name="a"/> / <paramref name="divisor"/>, as a new tensor.</summary>
        public static Tensor DividedBy(this Tensor a, double divisor)
        {
            using Scalar k = divisor.ToScalar();
            return a.div(k);
        }

        /// <summary><paramref name="a"/> ·= <paramref name="factor"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor TimesInPlace(this Tensor a, double factor)
        {
            using Scalar k = factor.ToScalar();
            return a.mul_(k);
        }

        /// <summary><paramref name="a"/> · <paramref name="scale"/> + <paramref name="offset"/>, as a new tensor.</summary>
        public static Tensor Affine(this Tensor a, double scale, double offset)
        {
            using Scalar s = scale.ToScalar();
            using Scalar o = offset.ToScalar();
            using Tensor scaled = a.mul(s);
            return scaled.add(o, One);
        }

        /// <summary><paramref name="a"/> + <paramref name="offset"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor PlusInPlace(this Tensor a, double offset)
        {
            using Scalar o = offset.ToScalar();
            return a.add_(o, One);
        }

        /// <summary><paramref name="a"/>², element-wise, as a new tensor (TorchSharp's <c>square()</c> is <c>pow</c> of an implicit 2).</summary>
        public static Tensor Squared(this Tensor a) => a.pow(Two);

        /// <summary><paramref name="a"/> += <paramref name="value"/> · <paramref name="t1"/> · <paramref name="t2"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor AddProductInPlace(this Tensor a, Tensor t1, Tensor t2, double value)
        {
            using Scalar k = value.ToScalar();
            return a.addcmul_(t1, t2, k);
        }

        /// <summary><paramref name="a"/> += <paramref name="value"/> · <paramref name="t1"/> / <paramref name="t2"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor AddQuotientInPlace(this Tensor a, Tensor t1, Tensor t2, double value)
        {
            using Scalar k = value.ToScalar();
            return a.addcdiv_(t1, t2, k);
        }

        /// <summary><paramref name="a"/> filled with <paramref name="value"/> in place; returns <paramref name="a"/>.</summary>
        public static Tensor FillInPlace(this Tensor a, double value)
        {
            using Scalar k = value.ToScalar();
            return a.fill_(k);
        }

        /// <summary>0, 1, …, <paramref name="count"/> − 1 as float32 on <paramref name="device"/>.</summary>
        public static Tensor Range(long count, Device? device = null)
        {
            using Scalar stop = count.ToScalar();
            return arange(Zero, stop, One, ScalarType.Float32, device);
        }

        /// <summary>A float32 tensor of <paramref name="size"/> holding <paramref name="value"/> everywhere.</summary>
        public static Tensor Filled(long[] size, double value, Device? device = null)
        {
            using Scalar k = value.ToScalar();
            return full(size, k, ScalarType.Float32, device);
        }
    }
}
