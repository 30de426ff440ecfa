using ILGPU;
using ILGPU.Algorithms;

namespace StmKernel.Gpu.Kernels;

/// <summary>The element-wise ops and their backward passes, one thread per output element; every backward adds into its gradient.</summary>
internal static class ElementwiseKernels
{
    /// <summary>
    /// diffusers' sinusoidal embedding [B] → [B, dim]; index i over B·dim/2. As the test reference defines it, the
    /// frequency exp(−ln(10000)·j/(half − shift)) is rounded to float (torch computes it in float32) and the
    /// argument and its sine and cosine are taken in double.
    /// </summary>
    public static void TimestepEmbedding(Index1D i, ArrayView<float> t, ArrayView<float> y, int dim, int flip, float shift)
    {
        int half = dim / 2, b = i / half, j = i % half;
        float exponent = (float)(-9.2103403719761836 * j / (half - shift));   // −ln(10000) · j / (half − shift)
        float f = (float)XMath.Exp((double)exponent);
        double arg = t[b] * (double)f;
        float sin = (float)XMath.Sin(arg), cos = (float)XMath.Cos(arg);
        y[b * dim + j] = flip != 0 ? cos : sin;
        y[b * dim + half + j] = flip != 0 ? sin : cos;
    }

    /// <summary>y = x·σ(x).</summary>
    public static void Silu(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = Activation.Silu(x[i]);

    /// <summary>dx += dy·σ(x)·(1 + x·(1 − σ(x))).</summary>
    public static void SiluBackward(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx) =>
        dx[i] += dy[i] * Activation.SiluDerivative(x[i]);

    /// <summary>dst += src (a residual's gradient, a per-sample bias's gradient).</summary>
    public static void AddInto(Index1D i, ArrayView<float> src, ArrayView<float> dst) => dst[i] += src[i];

    /// <summary>Nearest ×2: y[p, oy, ox] = x[p, oy/2, ox/2] over planes p of h×w; index over the output.</summary>
    public static void Upsample2x(Index1D i, ArrayView<float> x, ArrayView<float> y, int h, int w)
    {
        int ox = i % (2 * w), t = i / (2 * w), oy = t % (2 * h), p = t / (2 * h);
        y[i] = x[((long)p * h + oy / 2) * w + ox / 2];
    }

    /// <summary>dx[p, y, x] += the four dy it was copied to; index over the input.</summary>
    public static void Upsample2xBackward(Index1D i, ArrayView<float> dy, ArrayView<float> dx, int h, int w)
    {
        int x = i % w, t = i / w, y = t % h, p = t / h;
        long top = ((long)p * 2 * h + 2 * y) * 2 * w + 2 * x, bottom = top + 2 * w;
        dx[i] += dy[top] + dy[top + 1] + dy[bottom] + dy[bottom + 1];
    }

    /// <summary>y = cat([a, b], channels) of [N, Ca, P] and [N, Cb, P]; index over y.</summary>
    public static void Concat(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int ca, int cb, int pixels)
    {
        int p = i % pixels, t = i / pixels, c = t % (ca + cb), n = t / (ca + cb);
        y[i] = c < ca ? a[((long)n * ca + c) * pixels + p] : b[((long)n * cb + c - ca) * pixels + p];
    }

    /// <summary>da += dy's first Ca channels, db += the rest; a gradient not wanted is a flag of 0.</summary>
    public static void ConcatBackward(Index1D i, ArrayView<float> dy, ArrayView<float> da, ArrayView<float> db, int ca, int cb, int pixels, int wantA, int wantB)
    {
        int p = i % pixels, t = i / pixels, c = t % (ca + cb), n = t / (ca + cb);
        if (c < ca) { if (wantA != 0) da[((long)n * ca + c) * pixels + p] += dy[i]; }
        else if (wantB != 0) db[((long)n * cb + c - ca) * pixels + p] += dy[i];
    }
}

/// <summary>The activation shared by the element-wise, norm and attention kernels.</summary>
internal static class Activation
{
    public static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    public static float Silu(float x) => x * Sigmoid(x);

    public static float SiluDerivative(float x)
    {
        float s = Sigmoid(x);
        return s * (1f + x * (1f - s));
    }
}
