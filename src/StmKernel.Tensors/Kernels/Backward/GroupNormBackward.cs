using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="GroupNorm"/> (optionally fused with SiLU). With x̂ = (x − μ_g)·r_g,
/// z = γ_c x̂ + β_c, y = act(z) and g = dy·act′(z):
/// <c>dβ_c = Σ g</c>, <c>dγ_c = Σ g·x̂</c>, <c>dx = r_g (γ_c g − mean_g(γ g) − x̂ · mean_g(γ g x̂))</c>.
/// </summary>
/// <remarks>
/// The group statistics come from the forward <see cref="GroupNorm"/> that last ran on x when the caller
/// passes it (a few doubles per sample: no pass over x), else they are recomputed from x (two passes).
/// Then one pass gathers the per-channel sums of g and g·x̂ and a last pass writes dx = A_c g + B x + C
/// per channel. g is recomputed in both passes (one exp per element) rather than stored. γ and β are
/// read at run time, so optimizer updates need no re-planning. Two or four pool runs; every task owns
/// one (sample, channel block) plane or row.
/// </remarks>
public sealed unsafe class GroupNormBackward : ParallelJob
{
    private readonly BlockedTensor _x, _dy, _dx;
    private readonly int _groups, _cp;
    private readonly float _eps;
    private readonly bool _silu, _accumulate;
    private readonly float[] _gamma, _beta, _gradGamma, _gradBeta;
    private readonly double[] _chanA, _chanB;          // [N, cp] per-channel sums of the running phase
    private readonly double[] _mean, _rstd;            // [N, groups]
    private readonly float[] _scale, _shift, _mu, _r;  // [N, cp] forward affine + per-channel μ, r
    private readonly float[] _coefA, _coefB, _coefC;   // [N, cp] dx = A g + B x + C
    private readonly GroupNorm? _forward;
    private int _phase;

    /// <summary>Plans the backward of a group norm with input <paramref name="input"/>.</summary>
    /// <param name="input">The forward input x [N, C, H, W].</param>
    /// <param name="gradOutput">dy [N, C, H, W].</param>
    /// <param name="gradInput">dx [N, C, H, W] (may not alias dy).</param>
    /// <param name="groups">Group count.</param>
    /// <param name="gamma">Live γ [C].</param>
    /// <param name="beta">Live β [C].</param>
    /// <param name="eps">Variance epsilon.</param>
    /// <param name="fusedSilu">True when the forward applied SiLU after the affine.</param>
    /// <param name="gradGamma">dγ [C] (overwritten).</param>
    /// <param name="gradBeta">dβ [C] (overwritten).</param>
    /// <param name="accumulate">Add to dx instead of overwriting it.</param>
    /// <param name="forward">The forward norm of <paramref name="input"/> (same groups and ε), run on x's current values before
    /// every run of this backward: its statistics are used instead of recomputed. Null: recompute them.</param>
    public GroupNormBackward(BlockedTensor input, BlockedTensor gradOutput, BlockedTensor gradInput, int groups, float[] gamma, float[] beta,
        float eps, bool fusedSilu, float[] gradGamma, float[] gradBeta, bool accumulate, GroupNorm? forward = null)
    {
        if (forward is not null && (!ReferenceEquals(forward.Input, input) || forward.Groups != groups || forward.Epsilon != eps))
            throw new ArgumentException("the forward group norm was planned for another input, group count or epsilon");
        _forward = forward;
        if (groups <= 0 || input.C % groups != 0) throw new ArgumentException($"{input.C} channels cannot form {groups} groups");
        foreach (var t in new[] { gradOutput, gradInput })
            if (!t.HasShape(input.N, input.C, input.H, input.W)) throw new ArgumentException("group-norm gradient shape differs from the input");
        if (ReferenceEquals(gradOutput, gradInput)) throw new ArgumentException("group-norm backward cannot run in place");
        if (gamma.Length != input.C || beta.Length != input.C || gradGamma.Length != input.C || gradBeta.Length != input.C)
            throw new ArgumentException($"group-norm affine parameters and gradients need {input.C} values");
        _x = input; _dy = gradOutput; _dx = gradInput; _groups = groups; _eps = eps; _silu = fusedSilu; _accumulate = accumulate;
        _gamma = gamma; _beta = beta; _gradGamma = gradGamma; _gradBeta = gradBeta;
        _cp = input.Cb * 16;
        int nc = input.N * _cp;
        _chanA = new double[nc]; _chanB = new double[nc];
        _mean = new double[input.N * groups]; _rstd = new double[input.N * groups];
        _scale = Pinned(nc); _shift = Pinned(nc); _mu = Pinned(nc); _r = Pinned(nc);
        _coefA = Pinned(nc); _coefB = Pinned(nc); _coefC = Pinned(nc);

        static float[] Pinned(int n) => GC.AllocateArray<float>(n, pinned: true);
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        int planes = _x.N * _x.Cb;
        if (_forward is not null)
        {
            _forward.GroupMean.CopyTo(_mean);
            _forward.GroupRstd.CopyTo(_rstd);
        }
        else
        {
            _phase = 0; pool.Run(this, planes);
            GroupStatistics(squared: false);
            _phase = 1; pool.Run(this, planes);
            GroupStatistics(squared: true);
        }
        BuildAffine();
        _phase = 2; pool.Run(this, planes);
        BuildCoefficients();
        _phase = 3; pool.Run(this, planes * _x.H);
    }

    /// <inheritdoc />
    public override void Execute(int task)
    {
        if (SimdSupport.UseVector512) Execute<V512>(task);
        else Execute<V256x2>(task);
    }

    private void Execute<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        switch (_phase)
        {
            case 0: Moments<TV>(task, squared: false); break;
            case 1: Moments<TV>(task, squared: true); break;
            case 2: GradientSums<TV>(task); break;
            default: InputGradient<TV>(task / _x.H, task % _x.H); break;
        }
    }

    /// <summary>Per-channel Σx (or Σ(x − μ)²) of one plane into _chanA.</summary>
    private void Moments<TV>(int plane, bool squared) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb;
        float* m = stackalloc float[16];
        for (int l = 0; l < 16; l++)
        {
            int c = cb * 16 + l;
            m[l] = squared && c < _x.C ? (float)_mean[n * _groups + c / (_x.C / _groups)] : 0f;
        }
        TV mean = TV.Load(m);
        double* sums = stackalloc double[16];
        for (int l = 0; l < 16; l++) sums[l] = 0;
        for (int y = 0; y < _x.H; y++)
        {
            float* p = _x.At(n, cb, y, 0);
            TV s = TV.Zero;
            for (int x = 0; x < _x.W; x++, p += 16)
            {
                TV v = TV.Load(p);
                if (squared) { TV d = TV.Subtract(v, mean); s = TV.MultiplyAdd(d, d, s); }
                else s = TV.Add(s, v);
            }
            for (int l = 0; l < 16; l++) sums[l] += TV.GetLane(s, l);
        }
        for (int l = 0; l < 16; l++) _chanA[plane * 16 + l] = sums[l];
    }

    private void GroupStatistics(bool squared)
    {
        int cpg = _x.C / _groups;
        double count = (double)cpg * _x.H * _x.W;
        for (int n = 0; n < _x.N; n++)
            for (int g = 0; g < _groups; g++)
            {
                double s = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) s += _chanA[n * _cp + c];
                if (squared) _rstd[n * _groups + g] = 1.0 / Math.Sqrt(s / count + _eps);
                else _mean[n * _groups + g] = s / count;
            }
    }

    /// <summary>The forward's per-channel affine (scale, shift) and per-channel μ, r from the group statistics.</summary>
    private void BuildAffine()
    {
        int cpg = _x.C / _groups;
        Array.Clear(_scale); Array.Clear(_shift); Array.Clear(_mu); Array.Clear(_r);
        for (int n = 0; n < _x.N; n++)
            for (int c = 0; c < _x.C; c++)
            {
                int g = n * _groups + c / cpg, i = n * _cp + c;
                double scale = _rstd[g] * _gamma[c];
                _scale[i] = (float)scale;
                _shift[i] = (float)(_beta[c] - _mean[g] * scale);
                _mu[i] = (float)_mean[g];
                _r[i] = (float)_rstd[g];
            }
    }

    /// <summary>g = dy·act′(z) for one row into <paramref name="g"/> (dy itself when there is no activation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float* RowGradient<TV>(float* x, float* dy, float* g, int len, TV scale, TV shift) where TV : unmanaged, ISimd16<TV>
    {
        if (!_silu) return dy;
        // SiLU′(z) = σ(z)(1 + z(1 − σ(z))); z is rebuilt from x with the forward's affine.
        float* sig = g + len;
        for (int i = 0; i < len; i += 16) TV.Store(g + i, TV.MultiplyAdd(TV.Load(x + i), scale, shift));
        TensorPrimitives.Sigmoid(new ReadOnlySpan<float>(g, len), new Span<float>(sig, len));
        TV one = TV.Broadcast(1f);
        for (int i = 0; i < len; i += 16)
        {
            TV z = TV.Load(g + i), s = TV.Load(sig + i);
            TV d = TV.Multiply(s, TV.Subtract(TV.Add(one, z), TV.Multiply(z, s)));
            TV.Store(g + i, TV.Multiply(TV.Load(dy + i), d));
        }
        return g;
    }

    /// <summary>Per-channel Σg (→ _chanA) and Σg·x̂ (→ _chanB) of one plane.</summary>
    private void GradientSums<TV>(int plane) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb, len = _x.W * 16;
        fixed (float* sc = &_scale[plane * 16], sh = &_shift[plane * 16], mu = &_mu[plane * 16], r = &_r[plane * 16])
        {
            TV scale = TV.Load(sc), shift = TV.Load(sh), mean = TV.Load(mu), rstd = TV.Load(r);
            float* buffer = stackalloc float[2 * len];
            double* sa = stackalloc double[16];
            double* sb = stackalloc double[16];
            for (int l = 0; l < 16; l++) { sa[l] = 0; sb[l] = 0; }
            for (int y = 0; y < _x.H; y++)
            {
                float* x = _x.At(n, cb, y, 0);
                float* g = RowGradient(x, _dy.At(n, cb, y, 0), buffer, len, scale, shift);
                TV a = TV.Zero, b = TV.Zero;
                for (int i = 0; i < len; i += 16)
                {
                    TV gv = TV.Load(g + i);
                    a = TV.Add(a, gv);
                    b = TV.MultiplyAdd(gv, TV.Multiply(TV.Subtract(TV.Load(x + i), mean), rstd), b);
                }
                for (int l = 0; l < 16; l++) { sa[l] += TV.GetLane(a, l); sb[l] += TV.GetLane(b, l); }
            }
            for (int l = 0; l < 16; l++) { _chanA[plane * 16 + l] = sa[l]; _chanB[plane * 16 + l] = sb[l]; }
        }
    }

    private void BuildCoefficients()
    {
        int cpg = _x.C / _groups;
        double count = (double)cpg * _x.H * _x.W;
        for (int c = 0; c < _x.C; c++)
        {
            double db = 0, dg = 0;
            for (int n = 0; n < _x.N; n++) { db += _chanA[n * _cp + c]; dg += _chanB[n * _cp + c]; }
            _gradBeta[c] = (float)db;
            _gradGamma[c] = (float)dg;
        }
        Array.Clear(_coefA); Array.Clear(_coefB); Array.Clear(_coefC);
        for (int n = 0; n < _x.N; n++)
            for (int g = 0; g < _groups; g++)
            {
                double m1 = 0, m2 = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++)
                {
                    m1 += _gamma[c] * _chanA[n * _cp + c];
                    m2 += _gamma[c] * _chanB[n * _cp + c];
                }
                m1 /= count; m2 /= count;
                double r = _rstd[n * _groups + g], mu = _mean[n * _groups + g];
                for (int c = g * cpg; c < (g + 1) * cpg; c++)
                {
                    int i = n * _cp + c;
                    _coefA[i] = (float)(r * _gamma[c]);
                    _coefB[i] = (float)(-r * r * m2);
                    _coefC[i] = (float)(-r * m1 + r * r * m2 * mu);
                }
            }
    }

    private void InputGradient<TV>(int plane, int y) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb, len = _x.W * 16;
        fixed (float* sc = &_scale[plane * 16], sh = &_shift[plane * 16], ca = &_coefA[plane * 16], cbp = &_coefB[plane * 16], cc = &_coefC[plane * 16])
        {
            TV scale = TV.Load(sc), shift = TV.Load(sh), a = TV.Load(ca), b = TV.Load(cbp), c = TV.Load(cc);
            float* buffer = stackalloc float[2 * len];
            float* x = _x.At(n, cb, y, 0), dx = _dx.At(n, cb, y, 0);
            float* g = RowGradient(x, _dy.At(n, cb, y, 0), buffer, len, scale, shift);
            for (int i = 0; i < len; i += 16)
            {
                TV v = TV.MultiplyAdd(a, TV.Load(g + i), TV.MultiplyAdd(b, TV.Load(x + i), c));
                TV.Store(dx + i, _accumulate ? TV.Add(TV.Load(dx + i), v) : v);
            }
        }
    }
}
