using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="GroupNorm"/> (optionally fused with SiLU). With x̂ = (x − μ_g)·r_g,
/// z = γ_c x̂ + β_c, y = act(z) and g = dy·act′(z):
/// <c>dβ_c = Σ g</c>, <c>dγ_c = Σ g·x̂</c>, <c>dx = r_g (γ_c g − mean_g(γ g) − x̂ · mean_g(γ g x̂))</c>.
/// </summary>
/// <remarks>
/// The group statistics are the forward <see cref="GroupNorm"/>'s when the caller passes it (no pass
/// over x), else recomputed from x by the same <see cref="GroupStatistics"/> routine, so both ways give
/// the same bits. z and x − μ are rebuilt from x exactly as the forward computes them, and SiLU′ is
/// <see cref="Activation.SiluDerivative{TV}"/>: the gradient is of the forward's own function. One
/// pass gathers the per-channel sums of g and g·x̂ and a last pass writes dx = A_c g + B_c (x − μ) + C_c.
/// g is recomputed in both passes (one exp per element) rather than stored. γ and β are read at run
/// time, so optimizer updates need no re-planning. Two or three pool runs; every task owns one
/// (sample, channel block) plane or row.
/// </remarks>
public sealed unsafe class GroupNormBackward : ParallelJob
{
    private readonly BlockedTensor _x, _dy, _dx;
    private readonly int _groups, _cp;
    private readonly bool _silu, _accumulate, _ownStatistics;
    private readonly float[] _gamma, _beta, _gradGamma, _gradBeta;
    private readonly GroupStatistics _stats;
    private readonly double[] _chanA, _chanB;          // [N, cp] per-channel Σg, Σg·x̂
    private readonly float[] _scale, _r;               // [N, cp] the forward's γ·r and r
    private readonly float[] _betaBlocks;              // [cp] β padded to whole blocks
    private readonly float[] _coefA, _coefB, _coefC;   // [N, cp] dx = A g + B (x − μ) + C
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
        _ownStatistics = forward is null;
        _stats = forward?.Statistics ?? new GroupStatistics(input, groups, eps); // checks the group count
        foreach (var t in new[] { gradOutput, gradInput })
            if (!t.HasShape(input.N, input.C, input.H, input.W)) throw new ArgumentException("group-norm gradient shape differs from the input");
        if (ReferenceEquals(gradOutput, gradInput)) throw new ArgumentException("group-norm backward cannot run in place");
        if (gamma.Length != input.C || beta.Length != input.C || gradGamma.Length != input.C || gradBeta.Length != input.C)
            throw new ArgumentException($"group-norm affine parameters and gradients need {input.C} values");
        _x = input; _dy = gradOutput; _dx = gradInput; _groups = groups; _silu = fusedSilu; _accumulate = accumulate;
        _gamma = gamma; _beta = beta; _gradGamma = gradGamma; _gradBeta = gradBeta;
        _cp = input.Cb * 16;
        int nc = input.N * _cp;
        _chanA = new double[nc]; _chanB = new double[nc];
        _scale = Pinned(nc); _r = Pinned(nc); _betaBlocks = Pinned(_cp);
        _coefA = Pinned(nc); _coefB = Pinned(nc); _coefC = Pinned(nc);

        static float[] Pinned(int n) => GC.AllocateArray<float>(n, pinned: true);
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        int planes = _x.N * _x.Cb;
        if (_ownStatistics) _stats.Run(pool);
        BuildAffine();
        _phase = 0; pool.Run(this, planes);
        BuildCoefficients();
        _phase = 1; pool.Run(this, planes * _x.H);
    }

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task));

    private readonly struct Body(GroupNormBackward job, int task) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Execute<TV>(task);
    }

    private void Execute<TV>(int task) where TV : unmanaged, ISimd16<TV>
    {
        if (_phase == 0) GradientSums<TV>(task);
        else InputGradient<TV>(task / _x.H, task % _x.H);
    }

    /// <summary>The forward's per-channel scale γ·r (same rounding as <see cref="GroupNorm"/>), r, and β by blocks.</summary>
    private void BuildAffine()
    {
        int cpg = _x.C / _groups;
        var rstd = _stats.Rstd;
        Array.Clear(_scale); Array.Clear(_r);
        for (int n = 0; n < _x.N; n++)
            for (int c = 0; c < _x.C; c++)
            {
                int g = n * _groups + c / cpg, i = n * _cp + c;
                _scale[i] = (float)(rstd[g] * _gamma[c]);
                _r[i] = (float)rstd[g];
            }
        _beta.CopyTo(_betaBlocks, 0);
    }

    /// <summary>The forward's map of one plane: x − μ centred as <see cref="GroupStatistics.Centre{TV}"/> does, z = (x − μ)·γr + β.</summary>
    private readonly struct PlaneAffine<TV> where TV : unmanaged, ISimd16<TV>
    {
        private readonly TV _shift, _offset, _scale, _beta;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public PlaneAffine(GroupNormBackward owner, int plane)
        {
            _shift = TV.Load(owner._stats.Shift(plane));
            _offset = TV.Load(owner._stats.Offset(plane));
            _scale = TV.Load((float*)Unsafe.AsPointer(ref owner._scale[plane * 16]));
            _beta = TV.Load((float*)Unsafe.AsPointer(ref owner._betaBlocks[plane % owner._x.Cb * 16]));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Centre(TV x) => GroupStatistics.Centre(x, _shift, _offset);

        /// <summary>The forward's pre-activation z, bit for bit.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Z(TV x) => TV.MultiplyAdd(Centre(x), _scale, _beta);
    }

    /// <summary>g = dy·act′(z) for one row of <paramref name="len"/> floats into <paramref name="g"/> (dy itself when there is no activation).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float* RowGradient<TV>(float* x, float* dy, float* g, int len, in PlaneAffine<TV> affine) where TV : unmanaged, ISimd16<TV>
    {
        if (!_silu) return dy;
        for (int i = 0; i < len; i += 16) TV.Store(g + i, TV.Multiply(TV.Load(dy + i), Activation.SiluDerivative(affine.Z(TV.Load(x + i)))));
        return g;
    }

    /// <summary>Per-channel Σg (→ _chanA) and Σg·x̂ (→ _chanB) of one plane.</summary>
    private void GradientSums<TV>(int plane) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb, len = _x.W * 16;
        var affine = new PlaneAffine<TV>(this, plane);
        TV rstd = TV.Load((float*)Unsafe.AsPointer(ref _r[plane * 16]));
        float* buffer = stackalloc float[len];
        double* sa = stackalloc double[16];
        double* sb = stackalloc double[16];
        for (int l = 0; l < 16; l++) { sa[l] = 0; sb[l] = 0; }
        for (int y = 0; y < _x.H; y++)
        {
            float* x = _x.At(n, cb, y, 0);
            float* g = RowGradient(x, _dy.At(n, cb, y, 0), buffer, len, affine);
            TV a = TV.Zero, b = TV.Zero;
            for (int i = 0; i < len; i += 16)
            {
                TV gv = TV.Load(g + i);
                a = TV.Add(a, gv);
                b = TV.MultiplyAdd(gv, TV.Multiply(affine.Centre(TV.Load(x + i)), rstd), b);
            }
            for (int l = 0; l < 16; l++) { sa[l] += TV.GetLane(a, l); sb[l] += TV.GetLane(b, l); }
        }
        for (int l = 0; l < 16; l++) { _chanA[plane * 16 + l] = sa[l]; _chanB[plane * 16 + l] = sb[l]; }
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
        var rstd = _stats.Rstd;
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
                // dx = r(γg − m1 − x̂·m2) with x̂ = (x − μ)·r, applied to the centred x − μ.
                double r = rstd[n * _groups + g];
                for (int c = g * cpg; c < (g + 1) * cpg; c++)
                {
                    int i = n * _cp + c;
                    _coefA[i] = (float)(r * _gamma[c]);
                    _coefB[i] = (float)(-r * r * m2);
                    _coefC[i] = (float)(-r * m1);
                }
            }
    }

    private void InputGradient<TV>(int plane, int y) where TV : unmanaged, ISimd16<TV>
    {
        int n = plane / _x.Cb, cb = plane % _x.Cb, len = _x.W * 16;
        var affine = new PlaneAffine<TV>(this, plane);
        TV a = TV.Load((float*)Unsafe.AsPointer(ref _coefA[plane * 16]));
        TV b = TV.Load((float*)Unsafe.AsPointer(ref _coefB[plane * 16]));
        TV c = TV.Load((float*)Unsafe.AsPointer(ref _coefC[plane * 16]));
        float* buffer = stackalloc float[len];
        float* x = _x.At(n, cb, y, 0), dx = _dx.At(n, cb, y, 0);
        float* g = RowGradient(x, _dy.At(n, cb, y, 0), buffer, len, affine);
        for (int i = 0; i < len; i += 16)
        {
            TV v = TV.MultiplyAdd(a, TV.Load(g + i), TV.MultiplyAdd(b, affine.Centre(TV.Load(x + i)), c));
            TV.Store(dx + i, _accumulate ? TV.Add(TV.Load(dx + i), v) : v);
        }
    }
}
