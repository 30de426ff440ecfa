using System.Runtime.CompilerServices;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels;

/// <summary>
/// PyTorch GroupNorm with affine weights, optionally fused with SiLU:
/// <c>y = act((x − μ_g) / √(σ²_g + ε) · γ_c + β_c)</c>, μ and σ² over each group's channels × H × W.
/// </summary>
/// <remarks>
/// Shapes: in [N, C, H, W] → out [N, C, H, W] (may be the same buffer). The statistics are
/// <see cref="GroupStatistics"/> (shifted data, merged per group in double; shared with the backward).
/// Two pool runs: statistics, normalise.
/// </remarks>
public sealed unsafe class GroupNorm : ParallelJob
{
    private readonly BlockedTensor _in, _out;
    private readonly GroupStatistics _stats;
    private readonly bool _silu;
    private readonly float[] _gamma, _beta;    // padded to Cb·16
    private readonly float[] _scale;           // [N, Cb·16] (pinned): γ / √(var + ε)

    /// <summary>Plans a group norm between fixed buffers.</summary>
    public GroupNorm(BlockedTensor input, BlockedTensor output, int groups, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps, bool fuseSilu)
    {
        _stats = new GroupStatistics(input, groups, eps); // checks the group count
        if (gamma.Length != input.C || beta.Length != input.C) throw new ArgumentException($"group-norm affine parameters need {input.C} values");
        if (!output.HasShape(input.N, input.C, input.H, input.W)) throw new ArgumentException("group-norm output shape differs from input");
        _in = input; _out = output; _silu = fuseSilu;
        int cp = input.Cb * 16;
        _gamma = new float[cp]; _beta = GC.AllocateArray<float>(cp, pinned: true);
        LoadAffine(gamma, beta);
        _scale = GC.AllocateArray<float>(input.N * cp, pinned: true);
    }

    /// <summary>The planned input x (whose statistics the last <see cref="Run"/> gathered).</summary>
    public BlockedTensor Input => _in;

    /// <summary>Group count.</summary>
    public int Groups => _stats.Groups;

    /// <summary>Variance epsilon.</summary>
    public float Epsilon => _stats.Epsilon;

    /// <summary>The statistics of the last run (the backward reuses them instead of a pass over x).</summary>
    internal GroupStatistics Statistics => _stats;

    /// <summary>Copies new affine weights γ, β [C] (after an optimizer step) into the planned kernel.</summary>
    public void LoadAffine(ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        if (gamma.Length != _in.C || beta.Length != _in.C) throw new ArgumentException($"group-norm affine parameters need {_in.C} values");
        gamma.CopyTo(_gamma); beta.CopyTo(_beta);
    }

    /// <summary>Runs the normalisation on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool)
    {
        _stats.Run(pool);
        BuildScale();
        pool.Run(this, _in.N * _in.Cb * _in.H);
    }

    /// <inheritdoc />
    public override void Execute(int task) => SimdSupport.Run(new Body(this, task / _in.H, task % _in.H));

    private readonly struct Body(GroupNorm job, int plane, int y) : ISimdKernel
    {
        public void Run<TV>() where TV : unmanaged, ISimd16<TV> => job.Apply<TV>(plane, y);
    }

    private void BuildScale()
    {
        int cpg = _in.C / _stats.Groups, cp = _in.Cb * 16;
        var rstd = _stats.Rstd;
        for (int n = 0; n < _in.N; n++)
            for (int c = 0; c < _in.C; c++)
                _scale[n * cp + c] = (float)(rstd[n * _stats.Groups + c / cpg] * _gamma[c]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Apply<TV>(int plane, int y) where TV : unmanaged, ISimd16<TV>
    {
        // y = (x − μ)·scale + β with x − μ centred on the data (GroupStatistics.Centre), not x·scale + shift,
        // which would cancel away the signal under a large common offset.
        int n = plane / _in.Cb, cb = plane % _in.Cb;
        TV k = TV.Load(_stats.Shift(plane));
        TV offset = TV.Load(_stats.Offset(plane));
        TV scale = TV.Load((float*)Unsafe.AsPointer(ref _scale[plane * 16]));
        TV beta = TV.Load((float*)Unsafe.AsPointer(ref _beta[cb * 16]));
        float* src = _in.At(n, cb, y, 0), dst = _out.At(n, cb, y, 0);
        for (int x = 0; x < _in.W; x++, src += 16, dst += 16)
        {
            TV v = TV.MultiplyAdd(GroupStatistics.Centre(TV.Load(src), k, offset), scale, beta);
            TV.Store(dst, _silu ? TV.Silu(v) : v);
        }
    }
}
