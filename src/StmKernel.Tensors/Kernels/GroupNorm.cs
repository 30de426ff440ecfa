using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// PyTorch GroupNorm with affine weights, optionally fused with SiLU:
/// <c>y = act((x − μ_g) / √(σ²_g + ε) · γ_c + β_c)</c>, μ and σ² over each group's channels × H × W.
/// </summary>
/// <remarks>
/// Shapes: in [N, C, H, W] → out [N, C, H, W] (may be the same buffer). Groups may straddle
/// 16-channel blocks (e.g. C = 384, 32 groups of 12), so statistics are gathered per channel
/// (lane-wise vector sums, combined in double) and then per group. Two passes (mean, then
/// squared deviations) keep the variance accurate for offset data. Three pool runs: sums,
/// squared deviations, normalise.
/// </remarks>
public sealed unsafe class GroupNorm : ParallelJob
{
    private readonly BlockedTensor _in, _out;
    private readonly int _groups;
    private readonly float _eps;
    private readonly bool _silu;
    private readonly float[] _gamma, _beta;    // padded to Cb·16
    private readonly double[] _chanSum;        // [N, Cb·16]
    private readonly double[] _groupMean;      // [N, groups]
    private readonly double[] _groupRstd;      // [N, groups]
    private readonly float[] _scale, _shift;   // [N, Cb·16] (pinned)
    private int _phase;

    /// <summary>Plans a group norm between fixed buffers.</summary>
    public GroupNorm(BlockedTensor input, BlockedTensor output, int groups, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, bool fuseSilu)
    {
        if (groups <= 0 || input.C % groups != 0) throw new ArgumentException($"{input.C} channels cannot form {groups} groups");
        if (gamma.Length != input.C || beta.Length != input.C) throw new ArgumentException($"group-norm affine parameters need {input.C} values");
        if (!output.HasShape(input.N, input.C, input.H, input.W)) throw new ArgumentException("group-norm output shape differs from input");
        _in = input; _out = output; _groups = groups; _eps = eps; _silu = fuseSilu;
        int cp = input.Cb * 16;
        _gamma = new float[cp]; _beta = new float[cp];
        gamma.CopyTo(_gamma); beta.CopyTo(_beta);
        _chanSum = new double[input.N * cp];
        _groupMean = new double[input.N * groups];
        _groupRstd = new double[input.N * groups];
        _scale = GC.AllocateArray<float>(input.N * cp, pinned: true);
        _shift = GC.AllocateArray<float>(input.N * cp, pinned: true);
    }

    /// <summary>Runs the normalisation on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        int planes = _in.N * _in.Cb;
        _phase = 0; pool.Run(this, planes);
        ReduceGroups(_groupMean, squared: false);
        _phase = 1; pool.Run(this, planes);
        ReduceGroups(_groupRstd, squared: true);
        BuildScaleShift();
        _phase = 2; pool.Run(this, planes * _in.H);
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
        if (_phase == 2) { Apply<TV>(task / _in.H, task % _in.H); return; }
        int n = task / _in.Cb, cb = task % _in.Cb;
        TV mean = TV.Zero;
        bool squared = _phase == 1;
        if (squared)
        {
            float* m = stackalloc float[16];
            for (int l = 0; l < 16; l++)
            {
                int c = cb * 16 + l;
                m[l] = c < _in.C ? (float)_groupMean[n * _groups + c / (_in.C / _groups)] : 0f;
            }
            mean = TV.Load(m);
        }
        // Four independent accumulators per row keep float rounding small and the FMA pipes busy.
        var sums = stackalloc double[16];
        for (int y = 0; y < _in.H; y++)
        {
            float* p = _in.At(n, cb, y, 0);
            TV s0 = TV.Zero, s1 = TV.Zero, s2 = TV.Zero, s3 = TV.Zero;
            int x = 0, w = _in.W;
            for (; x + 4 <= w; x += 4, p += 64)
            {
                s0 = Accumulate(s0, TV.Load(p), mean);
                s1 = Accumulate(s1, TV.Load(p + 16), mean);
                s2 = Accumulate(s2, TV.Load(p + 32), mean);
                s3 = Accumulate(s3, TV.Load(p + 48), mean);
            }
            for (; x < w; x++, p += 16) s0 = Accumulate(s0, TV.Load(p), mean);
            TV row = TV.Add(TV.Add(s0, s1), TV.Add(s2, s3));
            for (int l = 0; l < 16; l++) sums[l] += TV.GetLane(row, l);
        }
        for (int l = 0; l < 16; l++) _chanSum[(n * _in.Cb + cb) * 16 + l] = sums[l];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TV Accumulate(TV acc, TV v, TV mu)
        {
            if (!squared) return TV.Add(acc, v);
            TV d = TV.Subtract(v, mu);
            return TV.MultiplyAdd(d, d, acc);
        }
    }

    private void ReduceGroups(double[] target, bool squared)
    {
        int cpg = _in.C / _groups, cp = _in.Cb * 16;
        double count = (double)cpg * _in.H * _in.W;
        for (int n = 0; n < _in.N; n++)
            for (int g = 0; g < _groups; g++)
            {
                double s = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) s += _chanSum[n * cp + c];
                target[n * _groups + g] = squared ? 1.0 / Math.Sqrt(s / count + _eps) : s / count;
            }
    }

    private void BuildScaleShift()
    {
        int cpg = _in.C / _groups, cp = _in.Cb * 16;
        for (int n = 0; n < _in.N; n++)
            for (int c = 0; c < _in.C; c++)
            {
                int g = n * _groups + c / cpg;
                double scale = _groupRstd[g] * _gamma[c];
                _scale[n * cp + c] = (float)scale;
                _shift[n * cp + c] = (float)(_beta[c] - _groupMean[g] * scale);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Apply<TV>(int plane, int y) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _in.Cb, cb = plane % _in.Cb;
        TV scale = TV.Load((float*)Unsafe.AsPointer(ref _scale[plane * 16]));
        TV shift = TV.Load((float*)Unsafe.AsPointer(ref _shift[plane * 16]));
        float* src = _in.At(n, cb, y, 0), dst = _out.At(n, cb, y, 0);
        for (int x = 0; x < _in.W; x++, src += 16, dst += 16)
        {
            TV v = TV.MultiplyAdd(TV.Load(src), scale, shift);
            TV.Store(dst, _silu ? TV.Silu(v) : v);
        }
    }
}
