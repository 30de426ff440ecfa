using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// 3×3, stride 1, padding 1 convolution by Winograd F(m×m, 3×3), m = 2 or 4 (from the weights), with
/// the same fused epilogue as <see cref="Conv2d"/> (bias, per-sample bias, residual).
/// F(2×2) does 2.25× and F(4×4) 4× fewer multiplies than the direct convolution.
/// </summary>
/// <remarks>
/// Shapes: in [N, Cin, H, W] → out [N, Cout, H, W], H and W multiples of m (use Conv2d otherwise).
/// Per m×m output tile: V = Bᵀ d B of the (m+2)² input patch, then for each of the (m+2)² positions
/// M = Σ_ci U·V (a 1×1 convolution over tiles, run by <see cref="ConvTile"/> at full FMA rate),
/// then Y = Aᵀ M A. One task = one row of tiles of one sample; its V and M panels ((m+2)² × C × W/m
/// × 16 floats) live in per-thread scratch that stays in L2. F(2×2)'s transforms use only ±1 and ½,
/// F(4×4)'s small integers and sixths (weights transformed once in double); both stay within
/// ~1e−6 relative of the direct convolution on U-Net activations.
/// </remarks>
public sealed unsafe class WinogradConv3x3 : ParallelJob
{
    private readonly WinogradWeights _w;
    private readonly BlockedTensor _in, _out;
    private readonly BlockedTensor? _residual;
    private readonly float[]? _sampleBias;
    private readonly float[] _zeroBias;
    private readonly int _tilesPerRow, _tileRows;

    [ThreadStatic] private static float[]? t_scratch;

    /// <summary>Plans a convolution between fixed buffers (see <see cref="Conv2d"/> for the epilogue arguments).</summary>
    public WinogradConv3x3(WinogradWeights weights, BlockedTensor input, BlockedTensor output, BlockedTensor? residual = null, float[]? sampleBias = null)
    {
        if (input.C != weights.Cin) throw new ArgumentException($"conv input has {input.C} channels, weights expect {weights.Cin}");
        int m = weights.TileSize;
        if (input.H % m != 0 || input.W % m != 0) throw new ArgumentException($"Winograd F({m}×{m},3×3) needs H and W multiples of {m}, got {input.H}×{input.W}");
        ConvArguments.CheckOutputAndEpilogue(input, output, weights.Cout, weights.CoutBlocks, input.H, input.W, residual, sampleBias);
        _w = weights; _in = input; _out = output; _residual = residual; _sampleBias = sampleBias;
        _zeroBias = GC.AllocateArray<float>(32, pinned: true);
        _tilesPerRow = input.W / m;
        _tileRows = input.H / m;
    }

    /// <summary>Multiply-adds ×2 of the equivalent direct convolution (for GFLOP/s reports).</summary>
    public double Flops => 2.0 * _in.N * _w.Cout * _w.Cin * 9 * _out.H * _out.W;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _in.N * _tileRows);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int n = task / _tileRows, ty = task % _tileRows;
        SimdSupport.Run(new Body(this, n, ty));
    }

    private readonly struct Body(WinogradConv3x3 job, int n, int ty) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV>
        {
            if (job._w.TileSize == 4) job.TileRow<TV, WinogradF4>(n, ty);
            else job.TileRow<TV, WinogradF2>(n, ty);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: skip tier-0
    private void TileRow<TV, TW>(int n, int ty) where TV : unmanaged, ISimd16<TV> where TW : struct, IWinogradTransform
    {
        int tpr = _tilesPerRow, cbIn = _in.Cb, cbOut = _w.CoutBlocks, mt = TW.Out, positions = _w.Positions;
        int vPos = cbIn * tpr * 16, mPos = cbOut * tpr * 16;
        int need = positions * (vPos + mPos);
        if (t_scratch is null || t_scratch.Length < need) t_scratch = GC.AllocateArray<float>(need, pinned: true);
        float* v = (float*)Unsafe.AsPointer(ref t_scratch[0]);
        float* m = v + positions * vPos;

        for (int cb = 0; cb < cbIn; cb++)
            for (int tx = 0; tx < tpr; tx++)
                TW.Input<TV>(_in.At(n, cb, mt * ty - 1, mt * tx - 1), _in.Wp * 16, v + cb * tpr * 16 + tx * 16, vPos);

        var g = new ConvTile.Geometry(_w.Cin, tpr * 16, 0, _w.BlockStride, tpr * 16);
        float* zero = (float*)Unsafe.AsPointer(ref _zeroBias[0]);
        for (int pos = 0; pos < positions; pos++)
        {
            float* vp = v + pos * vPos, mp = m + pos * mPos;
            float* wp = (float*)Unsafe.AsPointer(ref _w.Packed[pos * _w.PositionStride]);
            for (int ob = 0; ob < cbOut; ob += 2)
            {
                bool two = ob + 1 < cbOut;
                float* w = wp + ob * _w.BlockStride, o = mp + ob * tpr * 16;
                if (two) ConvTile.Row<TV, C1, C1, C2>(g, vp, w, zero, null, o, null, tpr);
                else ConvTile.Row<TV, C1, C1, C1>(g, vp, w, zero, null, o, null, tpr);
            }
        }

        for (int ob = 0; ob < cbOut; ob++)
        {
            TV bias = TV.Load((float*)Unsafe.AsPointer(ref _w.Bias[ob * 16]));
            if (_sampleBias is not null) bias = TV.Add(bias, TV.Load((float*)Unsafe.AsPointer(ref _sampleBias[(n * cbOut + ob) * 16])));
            for (int tx = 0; tx < tpr; tx++)
            {
                float* res = _residual is null ? null : _residual.At(n, ob, mt * ty, mt * tx);
                TW.Output<TV>(m + ob * tpr * 16 + tx * 16, mPos, bias, _out.At(n, ob, mt * ty, mt * tx), _out.Wp * 16, res);
            }
        }
    }
}
