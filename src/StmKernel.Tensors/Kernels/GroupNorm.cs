using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// PyTorch GroupNorm with affine weights, optionally fused with SiLU:
/// <c>y = act((x − μ_g) / √(σ²_g + ε) · γ_c + β_c)</c>, μ and σ² over each group's channels × H × W.
/// </summary>
/// <remarks>
/// Shapes: in [N, C, H, W] → out [N, C, H, W] (may be the same buffer). Groups may straddle
/// 16-channel blocks (e.g. C = 384, 32 groups of 12), so statistics are gathered per channel and then
/// combined per group. One statistics pass per plane accumulates Σ(x − K) and Σ(x − K)² with K = the
/// plane's first pixel (the shifted-data algorithm: no cancellation when |mean| ≫ std, because K is a
/// sample of the data); channels are merged into groups with Chan et al.'s pairwise formula in double.
/// Two pool runs: statistics, normalise.
/// </remarks>
public sealed unsafe class GroupNorm : ParallelJob
{
    private readonly BlockedTensor _in, _out;
    private readonly int _groups;
    private readonly float _eps;
    private readonly bool _silu;
    private readonly float[] _gamma, _beta;    // padded to Cb·16
    private readonly double[] _chanMean;       // [N, Cb·16]
    private readonly double[] _chanM2;         // [N, Cb·16]: Σ (x − channel mean)²
    private readonly double[] _groupMean;      // [N, groups]
    private readonly double[] _groupRstd;      // [N, groups]
    private readonly float[] _k;               // [N, Cb·16] (pinned): each channel's shift K (a data value)
    private readonly float[] _offset;          // [N, Cb·16] (pinned): group mean − K, small and accurate in float
    private readonly float[] _scale;           // [N, Cb·16] (pinned): γ / √(var + ε)
    private int _phase;

    /// <summary>Plans a group norm between fixed buffers.</summary>
    public GroupNorm(BlockedTensor input, BlockedTensor output, int groups, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, bool fuseSilu)
    {
        if (groups <= 0 || input.C % groups != 0) throw new ArgumentException($"{input.C} channels cannot form {groups} groups");
        if (gamma.Length != input.C || beta.Length != input.C) throw new ArgumentException($"group-norm affine parameters need {input.C} values");
        if (!output.HasShape(input.N, input.C, input.H, input.W)) throw new ArgumentException("group-norm output shape differs from input");
        _in = input; _out = output; _groups = groups; _eps = eps; _silu = fuseSilu;
        int cp = input.Cb * 16;
        _gamma = new float[cp]; _beta = GC.AllocateArray<float>(cp, pinned: true);
        LoadAffine(gamma, beta);
        _chanMean = new double[input.N * cp];
        _chanM2 = new double[input.N * cp];
        _groupMean = new double[input.N * groups];
        _groupRstd = new double[input.N * groups];
        _scale = GC.AllocateArray<float>(input.N * cp, pinned: true);
        _k = GC.AllocateArray<float>(input.N * cp, pinned: true);
        _offset = GC.AllocateArray<float>(input.N * cp, pinned: true);
    }

    /// <summary>The planned input x (whose statistics the last <see cref="Run"/> gathered).</summary>
    public BlockedTensor Input => _in;

    /// <summary>Group count.</summary>
    public int Groups => _groups;

    /// <summary>Variance epsilon.</summary>
    public float Epsilon => _eps;

    /// <summary>μ_g of the last run, [N, groups] (double).</summary>
    internal ReadOnlySpan<double> GroupMean => _groupMean;

    /// <summary>1/√(σ²_g + ε) of the last run, [N, groups] (double).</summary>
    internal ReadOnlySpan<double> GroupRstd => _groupRstd;

    /// <summary>Copies new affine weights γ, β [C] (after an optimizer step) into the planned kernel.</summary>
    public void LoadAffine(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        if (gamma.Length != _in.C || beta.Length != _in.C) throw new ArgumentException($"group-norm affine parameters need {_in.C} values");
        gamma.CopyTo(_gamma); beta.CopyTo(_beta);
    }

    /// <summary>Runs the normalisation on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        int planes = _in.N * _in.Cb;
        _phase = 0; pool.Run(this, planes);
        ReduceGroups();
        BuildScaleShift();
        _phase = 1; pool.Run(this, planes * _in.H);
    }

    /// <inheritdoc />
    public override void Execute(int task)
    {
        if (SimdSupport.UseVector512) Execute<V512>(task);
        else Execute<V256x2>(task);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Execute<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        if (_phase == 1) { Apply<TV>(task / _in.H, task % _in.H); return; }
        int n = task / _in.Cb, cb = task % _in.Cb;
        TV k = TV.Load(_in.At(n, cb, 0, 0));
        double* s1 = stackalloc double[16];
        double* s2 = stackalloc double[16];
        for (int l = 0; l < 16; l++) { s1[l] = 0; s2[l] = 0; }
        // Per row: two independent accumulator pairs in float (≤ W/2 terms each), then into double.
        for (int y = 0; y < _in.H; y++)
        {
            float* p = _in.At(n, cb, y, 0);
            TV a0 = TV.Zero, a1 = TV.Zero, q0 = TV.Zero, q1 = TV.Zero;
            int x = 0, w = _in.W;
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
        double count = (double)_in.H * _in.W;
        for (int l = 0; l < 16; l++)
        {
            int i = (n * _in.Cb + cb) * 16 + l;
            double shift = s1[l] / count;
            _k[i] = TV.GetLane(k, l);
            _chanMean[i] = _k[i] + shift;
            _chanM2[i] = Math.Max(0, s2[l] - s1[l] * shift);
        }
    }

    /// <summary>Group mean and 1/√(var + ε) from channel means and M2 (Chan et al.: M2 = Σ M2_c + n Σ (m_c − m)²).</summary>
    private void ReduceGroups()
    {
        int cpg = _in.C / _groups, cp = _in.Cb * 16;
        double perChannel = (double)_in.H * _in.W;
        for (int n = 0; n < _in.N; n++)
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
                _groupMean[n * _groups + g] = mean;
                _groupRstd[n * _groups + g] = 1.0 / Math.Sqrt(m2 / (perChannel * cpg) + _eps);
            }
    }

    private void BuildScaleShift()
    {
        int cpg = _in.C / _groups, cp = _in.Cb * 16;
        for (int n = 0; n < _in.N; n++)
            for (int c = 0; c < _in.C; c++)
            {
                int g = n * _groups + c / cpg;
                _scale[n * cp + c] = (float)(_groupRstd[g] * _gamma[c]);
                _offset[n * cp + c] = (float)(_groupMean[g] - _k[n * cp + c]);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Apply<TV>(int plane, int y) where TV : unmanaged, ISimd16<TV>
    {
        // y = ((x − K) − (mean − K))·scale + β: x − K is exact in float (Sterbenz) and mean − K is small,
        // so large offsets do not cancel away the signal as x·scale + shift would.
        int n = plane / _in.Cb, cb = plane % _in.Cb;
        TV k = TV.Load((float*)Unsafe.AsPointer(ref _k[plane * 16]));
        TV offset = TV.Load((float*)Unsafe.AsPointer(ref _offset[plane * 16]));
        TV scale = TV.Load((float*)Unsafe.AsPointer(ref _scale[plane * 16]));
        TV beta = TV.Load((float*)Unsafe.AsPointer(ref _beta[cb * 16]));
        float* src = _in.At(n, cb, y, 0), dst = _out.At(n, cb, y, 0);
        for (int x = 0; x < _in.W; x++, src += 16, dst += 16)
        {
            TV v = TV.MultiplyAdd(TV.Subtract(TV.Subtract(TV.Load(src), k), offset), scale, beta);
            TV.Store(dst, _silu ? TV.Silu(v) : v);
        }
    }
}
