using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// Group-norm statistics of x [N, C, H, W]: μ_g and 1/√(σ²_g + ε) over each group's channels × H × W,
/// plus the per-channel shift K_c and offset μ_g − K_c in which both <see cref="GroupNorm"/> and its
/// backward write x − μ_g. The one routine both use, so the backward differentiates the function the
/// forward computes, bit for bit, whether or not it is handed the forward's statistics.
/// </summary>
/// <remarks>
/// Groups may straddle 16-channel blocks (e.g. C = 384, 32 groups of 12), so statistics are gathered
/// per channel and then combined per group. One pass per plane accumulates Σ(x − K) and Σ(x − K)² with
/// K = the plane's first pixel (the shifted-data algorithm: no cancellation when |mean| ≫ std, because
/// K is a sample of the data); channels are merged into groups with Chan et al.'s pairwise formula in
/// double. One pool run (one task per plane), then a serial merge of a few doubles per group.
/// </remarks>
internal sealed unsafe class GroupStatistics : ParallelJob
{
    private readonly BlockedTensor _x;
    private readonly int _groups;
    private readonly float _eps;
    private readonly double[] _chanMean;       // [N, Cb·16]
    private readonly double[] _chanM2;         // [N, Cb·16]: Σ (x − channel mean)²
    private readonly double[] _mean;           // [N, groups]
    private readonly double[] _rstd;           // [N, groups]
    private readonly float[] _k;               // [N, Cb·16] (pinned): each channel's shift K (a data value)
    private readonly float[] _offset;          // [N, Cb·16] (pinned): group mean − K, small and accurate in float

    /// <summary>Plans the statistics of <paramref name="input"/>.</summary>
    public GroupStatistics(BlockedTensor input, int groups, float eps)
    {
        if (groups <= 0 || input.C % groups != 0) throw new ArgumentException($"{input.C} channels cannot form {groups} groups");
        _x = input; _groups = groups; _eps = eps;
        int nc = input.N * input.Cb * 16;
        _chanMean = new double[nc];
        _chanM2 = new double[nc];
        _mean = new double[input.N * groups];
        _rstd = new double[input.N * groups];
        _k = GC.AllocateArray<float>(nc, pinned: true);
        _offset = GC.AllocateArray<float>(nc, pinned: true);
    }

    /// <summary>The x whose statistics <see cref="Run"/> gathers.</summary>
    public BlockedTensor Input => _x;

    /// <summary>Group count.</summary>
    public int Groups => _groups;

    /// <summary>Variance epsilon.</summary>
    public float Epsilon => _eps;

    /// <summary>μ_g of the last run, [N, groups].</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>1/√(σ²_g + ε) of the last run, [N, groups].</summary>
    public ReadOnlySpan<double> Rstd => _rstd;

    /// <summary>The 16 shifts K of plane (n·Cb + cb) (padding lanes 0).</summary>
    public float* Shift(int plane) => (float*)Unsafe.AsPointer(ref _k[plane * 16]);

    /// <summary>The 16 offsets μ_g − K of plane (n·Cb + cb) (padding lanes 0).</summary>
    public float* Offset(int plane) => (float*)Unsafe.AsPointer(ref _offset[plane * 16]);

    /// <summary>x − μ_g as ((x − K) − (μ_g − K)): x − K is exact in float (Sterbenz) and μ_g − K is small,
    /// so a large common offset does not cancel away the signal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Centre<TV>(TV x, TV shift, TV offset) where TV : unmanaged, ISimd16<TV> => TV.Subtract(TV.Subtract(x, shift), offset);

    /// <summary>Gathers the statistics of x's current values on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        pool.Run(this, _x.N * _x.Cb);
        ReduceGroups();
    }

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(GroupStatistics job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Plane<TV>(task);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Plane<TV>(int plane) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb;
        TV k = TV.Load(_x.At(n, cb, 0, 0));
        double* s1 = stackalloc double[16];
        double* s2 = stackalloc double[16];
        for (int l = 0; l < 16; l++) { s1[l] = 0; s2[l] = 0; }
        // Per row: two independent accumulator pairs in float (≤ W/2 terms each), then into double.
        for (int y = 0; y < _x.H; y++)
        {
            float* p = _x.At(n, cb, y, 0);
            TV a0 = TV.Zero, a1 = TV.Zero, q0 = TV.Zero, q1 = TV.Zero;
            int x = 0, w = _x.W;
            for (; x + 2 <= w; x += 2, p += 32)
            {
                TV d0 = TV.Subtract(TV.Load(p), k), d1 = TV.Subtract(TV.Load(p + 16), k);
                a0 = TV.Add(a0, d0); q0 = TV.MultiplyAdd(d0, d0, q0);
                a1 = TV.Add(a1, d1); q1 = TV.MultiplyAdd(d1, d1, q1);
            }
            if (x < w)
            {
                TV d0 = TV.Subtract(TV.Load(p), k);
                a0 = TV.Add(a0, d0); q0 = TV.MultiplyAdd(d0, d0, q0);
            }
            TV a = TV.Add(a0, a1), q = TV.Add(q0, q1);
            for (int l = 0; l < 16; l++) { s1[l] += TV.GetLane(a, l); s2[l] += TV.GetLane(q, l); }
        }
        double count = (double)_x.H * _x.W;
        for (int l = 0; l < 16; l++)
        {
            int i = plane * 16 + l;
            double shift = s1[l] / count;
            _k[i] = TV.GetLane(k, l);
            _chanMean[i] = _k[i] + shift;
            _chanM2[i] = Math.Max(0, s2[l] - s1[l] * shift);
        }
    }

    /// <summary>Group mean and 1/√(var + ε) from channel means and M2 (Chan et al.: M2 = Σ M2_c + n Σ (m_c − m)²),
    /// then each channel's offset μ_g − K_c.</summary>
    private void ReduceGroups()
    {
        int cpg = _x.C / _groups, cp = _x.Cb * 16;
        double perChannel = (double)_x.H * _x.W;
        for (int n = 0; n < _x.N; n++)
            for (int g = 0; g < _groups; g++)
            {
                double mean = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) mean += _chanMean[n * cp + c];
                mean /= cpg;
                double m2 = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++)
                {
                    double d = _chanMean[n * cp + c] - mean;
                    m2 += _chanM2[n * cp + c] + perChannel * d * d;
                }
                _mean[n * _groups + g] = mean;
                _rstd[n * _groups + g] = 1.0 / Math.Sqrt(m2 / (perChannel * cpg) + _eps);
                for (int c = g * cpg; c < (g + 1) * cpg; c++) _offset[n * cp + c] = (float)(mean - _k[n * cp + c]);
            }
    }
}
