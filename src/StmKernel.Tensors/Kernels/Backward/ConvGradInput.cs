using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Input gradient of a <see cref="Conv2d"/> (K ∈ {1, 3}, stride 1 or 2, padding K/2), run as a
/// forward stride-1 convolution with the weights transposed (Cin ↔ Cout) and flipped (tap t → K²−1−t):
/// <c>dx[n,ci,i,j] = Σ_{co,ky,kx} w[co,ci,ky,kx] · d[n,co,i+p−ky,j+p−kx]</c>, where d is dy for stride 1
/// and, for stride 2, dy spread onto the input grid (d[2o] = dy[o], zeros between): a transposed conv.
/// </summary>
/// <remarks>
/// This runs on the forward kernels (<see cref="ConvPackings"/>' choice: Winograd for a 3×3 stride-1
/// layer whose forward had ≥ 64 output channels, else the direct kernel), so the input gradient runs
/// at forward speed. With <c>accumulate</c> the result is added to dx through Conv2d's aliased residual, which
/// is how a tensor read by two layers sums its gradients without an extra pass.
/// Call <see cref="Repack"/> after the weights change (e.g. an optimizer step).
/// </remarks>
public sealed unsafe class ConvGradInput : ParallelJob
{
    private readonly float[] _weight;
    private readonly int _cout, _cin, _k;
    private readonly BlockedTensor _dy;
    private readonly BlockedTensor? _spread;
    private readonly float[] _flipped;
    private readonly ConvPackings _transposed;
    private readonly Action<WorkerPool> _conv;

    /// <summary>Plans dx from dy.</summary>
    /// <param name="weight">The live forward weights [Cout, Cin, K, K] (read by <see cref="Repack"/>).</param>
    /// <param name="cout">Output channels of the forward conv.</param>
    /// <param name="cin">Input channels of the forward conv.</param>
    /// <param name="k">Kernel size.</param>
    /// <param name="stride">Stride of the forward conv.</param>
    /// <param name="gradOutput">dy [N, Cout, Ho, Wo].</param>
    /// <param name="gradInput">dx [N, Cin, H, W].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it.</param>
    public ConvGradInput(float[] weight, int cout, int cin, int k, int stride, BlockedTensor gradOutput, BlockedTensor gradInput, bool accumulate)
    {
        if (gradOutput.C != cout || gradInput.C != cin || gradInput.N != gradOutput.N) throw new ArgumentException("conv gradient channels do not match the weights");
        int p = k / 2;
        if ((gradInput.H + 2 * p - k) / stride + 1 != gradOutput.H || (gradInput.W + 2 * p - k) / stride + 1 != gradOutput.W)
            throw new ArgumentException("conv input gradient size does not match the output gradient");
        _weight = weight; _cout = cout; _cin = cin; _k = k; _dy = gradOutput;
        _flipped = new float[cin * cout * k * k];
        FlipTranspose();
        _transposed = new ConvPackings(_flipped, new float[cin], cin, cout, k, 1);
        if (stride == 2) _spread = new BlockedTensor(gradOutput.N, cout, gradInput.H, gradInput.W);
        (_conv, Flops) = _transposed.Plan(_spread ?? gradOutput, gradInput, accumulate ? gradInput : null);
    }

    /// <summary>Multiply-adds ×2 of one run (the spread zeros of stride 2 are counted, as they are computed).</summary>
    public double Flops { get; }

    /// <summary>Re-reads the forward weights into the transposed, flipped packing.</summary>
    public void Repack()
    {
        FlipTranspose();
        _transposed.Refresh();
    }

    /// <summary>w'[ci, co, t] = w[co, ci, K² − 1 − t]: the weights of the equivalent forward convolution.</summary>
    private void FlipTranspose()
    {
        int kk = _k * _k;
        for (int ci = 0; ci < _cin; ci++) // writes in order, reads strided: cheaper than the reverse
            for (int co = 0; co < _cout; co++)
            {
                int to = (ci * _cout + co) * kk + kk - 1, from = (co * _cin + ci) * kk;
                for (int t = 0; t < kk; t++) _flipped[to - t] = _weight[from + t];
            }
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        if (_spread is not null) pool.Run(this, _dy.N * _dy.Cb * _dy.H);
        _conv(pool);
    }

    /// <summary>Spreads one dy row onto the even rows/columns of the stride-2 grid (odd ones stay zero).</summary>
    public override void Execute(int task)
    {
        int y = task % _dy.H, plane = task / _dy.H;
        int n = plane / _dy.Cb, cb = plane % _dy.Cb;
        float* src = _dy.At(n, cb, y, 0), dst = _spread!.At(n, cb, 2 * y, 0);
        for (int x = 0; x < _dy.W; x++, src += 16, dst += 32)
            Buffer.MemoryCopy(src, dst, 64, 64);
    }
}
