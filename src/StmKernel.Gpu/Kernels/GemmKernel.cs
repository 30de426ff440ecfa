using ILGPU;

namespace StmKernel.Gpu.Kernels;

/// <summary>
/// One thread per element of C for every strided product of the backend: Linear forward and backward, and the
/// five products of attention (scores, output, and the gradients of V, of the scores, of Q and of K).
/// </summary>
internal static class GemmKernel
{
    /// <summary>C[b, m, n] (+)= α Σ_k A[b, m, k]·B[b, k, n] (+ bias[n]); index i over Batch·M·N.</summary>
    public static void Run(Index1D i, GemmShape s, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, ArrayView<float> c)
    {
        int n = i % s.N, t = i / s.N, m = t % s.M, batch = t / s.M;
        long ai = (long)batch * s.ABatch + (long)m * s.ARow, bi = (long)batch * s.BBatch + (long)n * s.BCol;
        float acc = 0;
        for (int k = 0; k < s.K; k++) acc += a[ai + (long)k * s.ACol] * b[bi + (long)k * s.BRow];
        acc *= s.Alpha;
        if (s.HasBias != 0) acc += bias[n];
        if (s.Accumulate != 0) acc += c[i];
        c[i] = acc;
    }
}
