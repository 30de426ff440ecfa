using ILGPU;
using ILGPU.Algorithms;

namespace StmKernel.Gpu.Kernels;

/// <summary>Row-wise softmax of attention scores, in place, and its backward; one thread per row.</summary>
internal static class SoftmaxKernels
{
    /// <summary>s[r, ·] = softmax(s[r, ·]) over rows of <paramref name="length"/>.</summary>
    public static void Rows(Index1D r, ArrayView<float> s, int length)
    {
        long start = (long)(int)r * length;
        float max = float.NegativeInfinity;
        for (int j = 0; j < length; j++) max = XMath.Max(max, s[start + j]);
        float sum = 0;
        for (int j = 0; j < length; j++)
        {
            float e = XMath.Exp(s[start + j] - max);
            s[start + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < length; j++) s[start + j] *= inv;
    }

    /// <summary>ds[r, j] = α·p[r, j]·(ds[r, j] − Σ_k p[r, k]·ds[r, k]): the gradient at the scores (α their scale), in place.</summary>
    public static void Backward(Index1D r, ArrayView<float> p, ArrayView<float> ds, int length, float alpha)
    {
        long start = (long)(int)r * length;
        float dot = 0;
        for (int j = 0; j < length; j++) dot += p[start + j] * ds[start + j];
        for (int j = 0; j < length; j++) ds[start + j] = alpha * p[start + j] * (ds[start + j] - dot);
    }
}
