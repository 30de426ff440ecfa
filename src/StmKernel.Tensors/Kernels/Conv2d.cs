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
        if (!output.HasShape(input.N, weights.Cout, ho, wo))
            throw new ArgumentException($"conv output is [{output.N}, {output.C}, {output.H}, {output.W}], expected [{input.N}, {weights.Cout}, {ho}, {wo}]");
        if (residual is not null && !residual.HasShape(output.N, output.C, output.H, output.W))
            throw new ArgumentException("conv residual shape differs from the output shape");
        if (sampleBias is not null && sampleBias.Length != input.N * weights.CoutBlocks * 16)
            throw new ArgumentException("conv per-sample bias has the wrong length");
        if (ReferenceEquals(input, output)) throw new ArgumentException("conv cannot run in place");
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
        if (SimdSupport.UseVector512) Dispatch<V512>(n, pair, y, two);
        else Dispatch<V256x2>(n, pair, y, two);
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
        var g = new TileGeometry(_w.Cin, _in.PlaneStride, _in.Wp * 16, _w.BlockStride, _out.PlaneStride);
        int x = 0;
        for (; x + 8 <= wo; x += 8)
            Tile<TV, TK, TS, TCo, C8>(g, inRow + x * TS.Value * 16, w, bias, sb, outPix + x * 16, resPix is null ? null : resPix + x * 16);
        for (; x < wo; x++)
            Tile<TV, TK, TS, TCo, C1>(g, inRow + x * TS.Value * 16, w, bias, sb, outPix + x * 16, resPix is null ? null : resPix + x * 16);
    }

    /// <summary>
    /// The register tile: TCo (1–2) output-channel blocks × TR (1 or 8) pixels. Constants are type
    /// parameters so the JIT drops the unused accumulators and folds every offset.
    /// </summary>
    /// <remarks>Static and call-free on purpose: a call while the accumulators are live makes the
    /// JIT spill them to the stack on every FMA (all vector registers are caller-saved).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TV, TK, TS, TCo, TR>(in TileGeometry g, float* input, float* w, float* bias, float* sampleBias, float* output, float* residual)
        where TV : unmanaged, ISimd16<TV> where TK : struct, IConst where TS : struct, IConst
        where TCo : struct, IConst where TR : struct, IConst
    {
        const int L = 16;
        int k = TK.Value, s = TS.Value;
        int cin = g.Cin, plane = g.InPlane, row = g.InRow, wb = g.WeightBlock;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
        for (int ci = 0; ci < cin; ci++)
        {
            float* ip = input + (ci >> 4) * plane + (ci & 15);
            for (int ky = 0; ky < k; ky++, ip += row)
            {
                for (int kx = 0; kx < k; kx++, w += L)
                {
                    float* p = ip + kx * L;
                    TV w0 = TV.Load(w);
                    TV w1 = TCo.Value == 2 ? TV.Load(w + wb) : TV.Zero;
                    TV v = TV.Broadcast(p[0]);
                    a0 = TV.MultiplyAdd(v, w0, a0); if (TCo.Value == 2) b0 = TV.MultiplyAdd(v, w1, b0);
                    if (TR.Value == 8)
                    {
                        v = TV.Broadcast(p[1 * s * L]); a1 = TV.MultiplyAdd(v, w0, a1); if (TCo.Value == 2) b1 = TV.MultiplyAdd(v, w1, b1);
                        v = TV.Broadcast(p[2 * s * L]); a2 = TV.MultiplyAdd(v, w0, a2); if (TCo.Value == 2) b2 = TV.MultiplyAdd(v, w1, b2);
                        v = TV.Broadcast(p[3 * s * L]); a3 = TV.MultiplyAdd(v, w0, a3); if (TCo.Value == 2) b3 = TV.MultiplyAdd(v, w1, b3);
                        v = TV.Broadcast(p[4 * s * L]); a4 = TV.MultiplyAdd(v, w0, a4); if (TCo.Value == 2) b4 = TV.MultiplyAdd(v, w1, b4);
                        v = TV.Broadcast(p[5 * s * L]); a5 = TV.MultiplyAdd(v, w0, a5); if (TCo.Value == 2) b5 = TV.MultiplyAdd(v, w1, b5);
                        v = TV.Broadcast(p[6 * s * L]); a6 = TV.MultiplyAdd(v, w0, a6); if (TCo.Value == 2) b6 = TV.MultiplyAdd(v, w1, b6);
                        v = TV.Broadcast(p[7 * s * L]); a7 = TV.MultiplyAdd(v, w0, a7); if (TCo.Value == 2) b7 = TV.MultiplyAdd(v, w1, b7);
                    }
                }
            }
        }

        // Epilogue: bias (+ per-sample bias) (+ residual), then store. Output block ob+1 is one plane further.
        int outPlane = g.OutPlane;
        TV bias0 = TV.Load(bias), bias1 = TCo.Value == 2 ? TV.Load(bias + 16) : TV.Zero;
        if (sampleBias != null)
        {
            bias0 = TV.Add(bias0, TV.Load(sampleBias));
            if (TCo.Value == 2) bias1 = TV.Add(bias1, TV.Load(sampleBias + 16));
        }
        Store<TV>(output, residual, 0, a0, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 0, b0, bias1);
        if (TR.Value == 8)
        {
            Store<TV>(output, residual, 1, a1, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 1, b1, bias1);
            Store<TV>(output, residual, 2, a2, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 2, b2, bias1);
            Store<TV>(output, residual, 3, a3, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 3, b3, bias1);
            Store<TV>(output, residual, 4, a4, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 4, b4, bias1);
            Store<TV>(output, residual, 5, a5, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 5, b5, bias1);
            Store<TV>(output, residual, 6, a6, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 6, b6, bias1);
            Store<TV>(output, residual, 7, a7, bias0); if (TCo.Value == 2) Store<TV>(output + outPlane, residual == null ? null : residual + outPlane, 7, b7, bias1);
        }
    }

    /// <summary>Strides a tile needs, gathered once per row so the tile itself makes no calls.</summary>
    private readonly record struct TileGeometry(int Cin, int InPlane, int InRow, int WeightBlock, int OutPlane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TV>(float* output, float* residual, int pixel, TV acc, TV bias) where TV : unmanaged, ISimd16<TV>
    {
        TV v = TV.Add(acc, bias);
        if (residual != null) v = TV.Add(v, TV.Load(residual + pixel * 16));
        TV.Store(output + pixel * 16, v);
    }
}
