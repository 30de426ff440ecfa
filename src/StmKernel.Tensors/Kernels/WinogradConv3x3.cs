using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// 3×3, stride 1, padding 1 convolution by Winograd F(2×2, 3×3), with the same fused epilogue as
/// <see cref="Conv2d"/> (bias, per-sample bias, residual). 2.25× fewer multiplies than direct.
/// </summary>
/// <remarks>
/// Shapes: in [N, Cin, H, W] → out [N, Cout, H, W], H and W even (the U-Net's are; use Conv2d otherwise).
/// Per 2×2 output tile: V = Bᵀ d B of the 4×4 input patch, then for each of the 16 positions
/// M = Σ_ci U·V (a 1×1 convolution over tiles, run by <see cref="ConvTile"/> at full FMA rate),
/// then Y = Aᵀ M A. One task = one row of tiles of one sample; its V and M panels (16 × C × W/2 × 16
/// floats) live in per-thread scratch that stays in L2. The transforms use only ±1 (inputs, outputs)
/// and ½ (weights, applied once in double), so the result is as accurate as the direct convolution
/// to within a few float ulps.
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
        if (input.H % 2 != 0 || input.W % 2 != 0) throw new ArgumentException($"Winograd F(2×2,3×3) needs even H and W, got {input.H}×{input.W}");
        ConvArguments.CheckOutputAndEpilogue(input, output, weights.Cout, weights.CoutBlocks, input.H, input.W, residual, sampleBias);
        _w = weights; _in = input; _out = output; _residual = residual; _sampleBias = sampleBias;
        _zeroBias = GC.AllocateArray<float>(32, pinned: true);
        _tilesPerRow = input.W / 2;
        _tileRows = input.H / 2;
    }

    /// <summary>Multiply-adds ×2 of the equivalent direct convolution (for GFLOP/s reports).</summary>
    public double Flops => 2.0 * _in.N * _w.Cout * _w.Cin * 9 * _out.H * _out.W;

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _in.N * _tileRows);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        if (SimdSupport.UseVector512) TileRow<V512>(task / _tileRows, task % _tileRows);
        else TileRow<V256x2>(task / _tileRows, task % _tileRows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot from the first call: skip tier-0
    private void TileRow<TV>(int n, int ty) where TV : unmanaged, ISimd16<TV>
    {
        int tpr = _tilesPerRow, cbIn = _in.Cb, cbOut = _w.CoutBlocks;
        int vPos = cbIn * tpr * 16, mPos = cbOut * tpr * 16;
        int need = 16 * (vPos + mPos);
        if (t_scratch is null || t_scratch.Length < need) t_scratch = GC.AllocateArray<float>(need, pinned: true);
        float* v = (float*)Unsafe.AsPointer(ref t_scratch[0]);
        float* m = v + 16 * vPos;

        for (int cb = 0; cb < cbIn; cb++)
            for (int tx = 0; tx < tpr; tx++)
                InputTransform<TV>(_in.At(n, cb, 2 * ty - 1, 2 * tx - 1), _in.Wp * 16, v + cb * tpr * 16 + tx * 16, vPos);

        var g = new ConvTile.Geometry(_w.Cin, tpr * 16, 0, _w.BlockStride, tpr * 16);
        float* zero = (float*)Unsafe.AsPointer(ref _zeroBias[0]);
        for (int pos = 0; pos < 16; pos++)
        {
            float* vp = v + pos * vPos, mp = m + pos * mPos;
            float* wp = (float*)Unsafe.AsPointer(ref _w.Packed[pos * _w.PositionStride]);
            for (int ob = 0; ob < cbOut; ob += 2)
            {
                bool two = ob + 1 < cbOut;
                float* w = wp + ob * _w.BlockStride, o = mp + ob * tpr * 16;
                int x = 0;
                for (; x + 8 <= tpr; x += 8)
                {
                    if (two) ConvTile.Run<TV, C1, C1, C2, C8>(g, vp + x * 16, w, zero, null, o + x * 16, null);
                    else ConvTile.Run<TV, C1, C1, C1, C8>(g, vp + x * 16, w, zero, null, o + x * 16, null);
                }
                for (; x < tpr; x++)
                {
                    if (two) ConvTile.Run<TV, C1, C1, C2, C1>(g, vp + x * 16, w, zero, null, o + x * 16, null);
                    else ConvTile.Run<TV, C1, C1, C1, C1>(g, vp + x * 16, w, zero, null, o + x * 16, null);
                }
            }
        }

        for (int ob = 0; ob < cbOut; ob++)
        {
            TV bias = TV.Load((float*)Unsafe.AsPointer(ref _w.Bias[ob * 16]));
            if (_sampleBias is not null) bias = TV.Add(bias, TV.Load((float*)Unsafe.AsPointer(ref _sampleBias[(n * cbOut + ob) * 16])));
            for (int tx = 0; tx < tpr; tx++)
            {
                float* res = _residual is null ? null : _residual.At(n, ob, 2 * ty, 2 * tx);
                OutputTransform<TV>(m + ob * tpr * 16 + tx * 16, mPos, bias, _out.At(n, ob, 2 * ty, 2 * tx), _out.Wp * 16, res);
            }
        }
    }

    /// <summary>V = Bᵀ d B for one 4×4 patch of 16-channel vectors; Bᵀ = [[1,0,−1,0],[0,1,1,0],[0,−1,1,0],[0,1,0,−1]].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputTransform<TV>(float* d, int row, float* v, int posStride) where TV : unmanaged, ISimd16<TV>
    {
        // Column pass (Bᵀ d) for one column c yields t[0..3][c]; the row pass (· B) then needs all four
        // columns of one row, so rows are finished as soon as their four t values exist (locals, no stack array).
        Column(d, row, out TV t00, out TV t10, out TV t20, out TV t30);
        Column(d + 16, row, out TV t01, out TV t11, out TV t21, out TV t31);
        Column(d + 32, row, out TV t02, out TV t12, out TV t22, out TV t32);
        Column(d + 48, row, out TV t03, out TV t13, out TV t23, out TV t33);
        Row(v, posStride, 0, t00, t01, t02, t03);
        Row(v, posStride, 4, t10, t11, t12, t13);
        Row(v, posStride, 8, t20, t21, t22, t23);
        Row(v, posStride, 12, t30, t31, t32, t33);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* p, int row, out TV t0, out TV t1, out TV t2, out TV t3)
        {
            TV d0 = TV.Load(p), d1 = TV.Load(p + row), d2 = TV.Load(p + 2 * row), d3 = TV.Load(p + 3 * row);
            t0 = TV.Subtract(d0, d2);
            t1 = TV.Add(d1, d2);
            t2 = TV.Subtract(d2, d1);
            t3 = TV.Subtract(d1, d3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* v, int posStride, int first, TV a, TV b, TV c, TV e)
        {
            TV.Store(v + first * posStride, TV.Subtract(a, c));
            TV.Store(v + (first + 1) * posStride, TV.Add(b, c));
            TV.Store(v + (first + 2) * posStride, TV.Subtract(c, b));
            TV.Store(v + (first + 3) * posStride, TV.Subtract(b, e));
        }
    }

    /// <summary>Y = Aᵀ M A with Aᵀ = [[1,1,1,0],[0,1,−1,−1]], plus bias and residual, stored as a 2×2 output tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputTransform<TV>(float* m, int posStride, TV bias, float* output, int row, float* residual) where TV : unmanaged, ISimd16<TV>
    {
        Column(m, posStride, out TV s00, out TV s10);
        Column(m + posStride, posStride, out TV s01, out TV s11);
        Column(m + 2 * posStride, posStride, out TV s02, out TV s12);
        Column(m + 3 * posStride, posStride, out TV s03, out TV s13);
        Row(output, residual, bias, s00, s01, s02, s03);
        Row(output + row, residual == null ? null : residual + row, bias, s10, s11, s12, s13);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Column(float* m, int posStride, out TV s0, out TV s1)
        {
            TV m0 = TV.Load(m), m1 = TV.Load(m + 4 * posStride), m2 = TV.Load(m + 8 * posStride), m3 = TV.Load(m + 12 * posStride);
            s0 = TV.Add(TV.Add(m0, m1), m2);
            s1 = TV.Subtract(TV.Subtract(m1, m2), m3);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Row(float* output, float* residual, TV bias, TV a, TV b, TV c, TV e)
        {
            TV y0 = TV.Add(TV.Add(TV.Add(a, b), c), bias);
            TV y1 = TV.Add(TV.Subtract(TV.Subtract(b, c), e), bias);
            if (residual != null)
            {
                y0 = TV.Add(y0, TV.Load(residual));
                y1 = TV.Add(y1, TV.Load(residual + 16));
            }
            TV.Store(output, y0);
            TV.Store(output + 16, y1);
        }
    }
}
