namespace StmKernel.Gpu.Kernels;

/// <summary>
/// A batch of strided matrix products C[b] (+)= α·A[b]·B[b] (+ bias per column): every operand element is
/// found through a batch, row and column stride, so transposes and the per-head slices of attention are strides,
/// not copies. C is dense per batch (row stride <see cref="N"/>).
/// </summary>
internal struct GemmShape
{
    /// <summary>Products in the batch, and the sizes M×K · K×N.</summary>
    public int Batch, M, N, K;

    /// <summary>A's element (m, k) of batch b is at b·ABatch + m·ARow + k·ACol.</summary>
    public int ABatch, ARow, ACol;

    /// <summary>B's element (k, n) of batch b is at b·BBatch + k·BRow + n·BCol.</summary>
    public int BBatch, BRow, BCol;

    /// <summary>Scale of the product.</summary>
    public float Alpha;

    /// <summary>1: add into C (backward contributions); 0: overwrite.</summary>
    public int Accumulate;

    /// <summary>1: add bias[n] to every row (a Linear's epilogue).</summary>
    public int HasBias;
}

/// <summary>A convolution on NCHW row-major maps: padding K/2, stride 1 or 2, optional per-sample bias and residual.</summary>
internal struct ConvShape
{
    public int N, Cin, H, W, Cout, Ho, Wo, K, Stride;

    /// <summary>1 when a per-sample bias [N, Cout] is added.</summary>
    public int HasSampleBias;

    /// <summary>1 when a residual [N, Cout, Ho, Wo] is added.</summary>
    public int HasResidual;
}

/// <summary>A group norm on NCHW row-major maps: <see cref="Groups"/> groups of C/G channels, optionally followed by SiLU.</summary>
internal struct NormShape
{
    public int N, C, Pixels, Groups;

    /// <summary>1 when SiLU follows the affine map.</summary>
    public int Silu;
}
