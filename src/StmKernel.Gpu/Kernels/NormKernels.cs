using ILGPU;
using ILGPU.Algorithms;

namespace StmKernel.Gpu.Kernels;

/// <summary>
/// Group norm (+ SiLU) on NCHW row-major maps, where a group (sample n, channels g·C/G … (g+1)·C/G − 1, every pixel)
/// is one contiguous run. Statistics are a two-level reduction, one group of threads per norm group, two passes
/// (mean, then the mean squared deviation, which cancels less than E[x²] − mean²); stats holds (mean, 1/σ) per group.
/// </summary>
internal static class NormKernels
{
    /// <summary>stats[2q] = mean, stats[2q + 1] = 1/√(var + ε) of the run of <paramref name="length"/> elements of group q; one group per norm group.</summary>
    public static void Statistics(ArrayView<float> x, ArrayView<float> stats, int length, float eps)
    {
        int q = Grid.IdxX;
        long start = (long)q * length;
        float acc = 0;
        for (int j = Group.IdxX; j < length; j += Group.DimX) acc += x[start + j];
        float mean = GroupReduce.Sum(acc) / length;
        acc = 0;
        for (int j = Group.IdxX; j < length; j += Group.DimX)
        {
            float d = x[start + j] - mean;
            acc += d * d;
        }
        float variance = GroupReduce.Sum(acc) / length;
        if (Group.IdxX == 0)
        {
            stats[2 * q] = mean;
            stats[2 * q + 1] = XMath.Rsqrt(variance + eps);
        }
    }

    /// <summary>y = γ·x̂ + β, then SiLU when asked; index over the map.</summary>
    public static void Apply(Index1D i, NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> y)
    {
        int c = i / s.Pixels % s.C, q = GroupOf(s, i);
        float v = gamma[c] * (x[i] - stats[2 * q]) * stats[2 * q + 1] + beta[c];
        y[i] = s.Silu != 0 ? Activation.Silu(v) : v;
    }

    /// <summary>
    /// Per (n, c): sums[n·C + c] = Σ_p dy·x̂ and sums[N·C + n·C + c] = Σ_p dy, where dy is the gradient at the affine
    /// output (through the SiLU when fused); one group per (n, c).
    /// </summary>
    public static void ChannelSums(NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> dz, ArrayView<float> sums)
    {
        int r = Grid.IdxX;
        long start = (long)r * s.Pixels;
        float dyXhat = 0, dySum = 0;
        for (int p = Group.IdxX; p < s.Pixels; p += Group.DimX)
        {
            long i = start + p;
            float xhat = Normalized(s, i, x, stats);
            float dy = AffineGradient(s, i, xhat, gamma, beta, dz);
            dyXhat += dy * xhat;
            dySum += dy;
        }
        float a = GroupReduce.Sum(dyXhat), b = GroupReduce.Sum(dySum);
        if (Group.IdxX == 0)
        {
            sums[r] = a;
            sums[s.N * s.C + r] = b;
        }
    }

    /// <summary>
    /// dx += (1/σ)·(γ·dy − mean_g(γ·dy) − x̂·mean_g(γ·dy·x̂)), the group means taken from the per-channel sums; index over the map.
    /// </summary>
    public static void GradInput(Index1D i, NormShape s, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> dz, ArrayView<float> sums, ArrayView<float> dx)
    {
        int c = i / s.Pixels % s.C, n = i / s.Pixels / s.C, q = GroupOf(s, i), per = s.C / s.Groups, first = c / per * per;
        float meanDy = 0, meanDyXhat = 0;
        for (int k = first; k < first + per; k++)
        {
            meanDyXhat += gamma[k] * sums[n * s.C + k];
            meanDy += gamma[k] * sums[s.N * s.C + n * s.C + k];
        }
        float count = (float)per * s.Pixels;
        float xhat = Normalized(s, i, x, stats);
        float dy = AffineGradient(s, i, xhat, gamma, beta, dz);
        dx[i] += stats[2 * q + 1] * (gamma[c] * dy - meanDy / count - xhat * meanDyXhat / count);
    }

    private static int GroupOf(NormShape s, long i)
    {
        int c = (int)(i / s.Pixels % s.C), n = (int)(i / s.Pixels / s.C);
        return n * s.Groups + c / (s.C / s.Groups);
    }

    private static float Normalized(NormShape s, long i, ArrayView<float> x, ArrayView<float> stats)
    {
        int q = GroupOf(s, i);
        return (x[i] - stats[2 * q]) * stats[2 * q + 1];
    }

    /// <summary>dL/d(γ·x̂ + β) at element i, from the gradient dz at the op's output.</summary>
    private static float AffineGradient(NormShape s, long i, float xhat, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> dz)
    {
        if (s.Silu == 0) return dz[i];
        int c = (int)(i / s.Pixels % s.C);
        return dz[i] * Activation.SiluDerivative(gamma[c] * xhat + beta[c]);
    }
}
