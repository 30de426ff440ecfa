using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Direct 2-D convolution (K×K with K ∈ {1, 3}, stride 1 or 2, padding K/2) on
/// <see cref="BlockedTensor"/>s, with bias, an optional per-sample channel bias and an optional
/// residual fused into the store:
/// <c>out[n,co,y,x] = bias[co] + sampleBias[n,co] + residual[n,co,y,x] + Σ_{ci,ky,kx} w[co,ci,ky,kx]·in[n,ci,y·s+ky−p,x·s+kx−p]</c>.
/// </summary>
/// <remarks>
/// Shapes: in [N, Cin, H, W] → out [N, Cout, Ho, Wo], Ho = (H + 2p − K)/s + 1.
/// Register tile: 2 output-channel blocks (32 channels) × 8 output pixels = 16 accumulators.
/// Per (input channel, tap) it does 2 weight loads, 8 broadcasts and 16 FMAs. One task = one
/// output row of one 32-channel pair of one sample, so any thread count balances.
/// The residual may alias the output only if it is exactly the same buffer (read before write per tile).
/// </remarks>
public sealed unsafe class Conv2d : ParallelJob
{
    private readonly ConvWeights _w;
    private readonly BlockedTensor _in, _out;
    private readonly BlockedTensor? _residual;
    private readonly float[]? _sampleBias;
    private readonly int _pairs;

    /// <summary>Plans a convolution between fixed buffers.</summary>
    /// <param name="weights">Packed weights.</param>
    /// <param name="input">Input activation [N, Cin, H, W].</param>
    /// <param name="output">Output activation [N, Cout, Ho, Wo].</param>
    /// <param name="residual">Optional activation of the output's shape added in the epilogue.</param>
    /// <param name="sampleBias">Optional per-sample bias [N][⌈Cout/16⌉·16] (pinned), added in the epilogue.</param>
    public Conv2d(ConvWeights weights, BlockedTensor input, BlockedTensor output, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        if (input.C != weights.Cin) throw new ArgumentException($"conv input has {input.C} channels, weights expect {weights.Cin}");
        int ho = weights.OutSize(input.H), wo = weights.OutSize(input.W);
        ConvArguments.CheckOutputAndEpilogue(input, output, weights.Cout, weights.CoutBlocks, ho, wo, residual, sampleBias);
        _w = weights; _in = input; _out = output; _residual = residual; _sampleBias = sampleBias;
        _pairs = (weights.CoutBlocks + 1) / 2;
    }

    /// <summary>Runs the convolution on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _in.N * _pairs * _out.H);

    /// <summary>Multiply-adds ×2 of one run.</summary>
    public double Flops => _in.N * _w.Flops(_out.H, _out.W);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int y = task % _out.H;
        int pair = task / _out.H % _pairs;
        int n = task / (_out.H * _pairs);
        bool two = 2 * pair + 1 < _w.CoutBlocks;
        SimdSupport.Run(new Body(this, n, pair, y, two));
    }

    private readonly struct Body(Conv2d job, int n, int pair, int y, bool two) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Dispatch<TV>(n, pair, y, two);
    }

    private void Dispatch<TV>(int n, int pair, int y, bool two) where TV : unmanaged, ISimd16<TV>
    {
        switch (_w.K, _w.Stride, two)
        {
            case (3, 1, true): RowKernel<TV, C3, C1, C2>(n, pair, y); break;
            case (3, 1, false): RowKernel<TV, C3, C1, C1>(n, pair, y); break;
            case (3, 2, true): RowKernel<TV, C3, C2, C2>(n, pair, y); break;
            case (3, 2, false): RowKernel<TV, C3, C2, C1>(n, pair, y); break;
            case (1, 1, true): RowKernel<TV, C1, C1, C2>(n, pair, y); break;
            case (1, 1, false): RowKernel<TV, C1, C1, C1>(n, pair, y); break;
            case (1, 2, true): RowKernel<TV, C1, C2, C2>(n, pair, y); break;
            default: RowKernel<TV, C1, C2, C1>(n, pair, y); break;
        }
    }

    /// <summary>One output row: full 8-pixel tiles, then single-pixel tiles for the remainder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: skip tier-0
    private void RowKernel<TV, TK, TS, TCo>(int n, int pair, int y)
        where TV : unmanaged, ISimd16<TV> where TK : struct, IConst where TS : struct, IConst where TCo : struct, IConst
    {
        int ob = 2 * pair;
        int wo = _out.W;
        // Padded input row of tap ky = 0 for output row y: y·s − p + 1 (halo offset).
        float* inRow = _in.At(n, 0, y * TS.Value - TK.Value / 2, -TK.Value / 2);
        float* w = (float*)Unsafe.AsPointer(ref _w.Packed[ob * _w.BlockStride]);
        float* bias = (float*)Unsafe.AsPointer(ref _w.Bias[ob * 16]);
        float* sb = _sampleBias is null ? null : (float*)Unsafe.AsPointer(ref _sampleBias[(n * _w.CoutBlocks + ob) * 16]);
        float* outPix = _out.At(n, ob, y, 0);
        float* resPix = _residual is null ? null : _residual.At(n, ob, y, 0);
        var g = new ConvTile.Geometry(_w.Cin, _in.PlaneStride, _in.Wp * 16, _w.BlockStride, _out.PlaneStride);
        ConvTile.Row<TV, TK, TS, TCo>(g, inRow, w, bias, sb, outPix, resPix, wo);
    }
}
