using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Kernels;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Turns one graph op into a planned CPU step over given buffers: the forward of every <see cref="OpKind"/>, used by
/// the forward plan and by the backward's recomputations alike. With <paramref name="stream"/> (inference plans) the
/// Winograd layers of at least <paramref name="streamMinTiles"/> output tiles per run share one scratch for their
/// transformed weights (<see cref="WinogradScratch"/>, <see cref="CpuBackend.StreamMinTiles"/>); a training plan keeps
/// a packing per layer, which its optimizer steps refresh anyway.
/// </summary>
internal sealed class CpuForwardOps(CpuWeights weights, List<Action> hooks, WinogradScratch? stream = null, int streamMinTiles = 0)
{
    private readonly Dictionary<GraphOp, GroupNorm> _norms = new(ReferenceEqualityComparer.Instance);

    public CpuWeights Weights => weights;

    /// <summary>The forward group norm kernel planned for <paramref name="op"/> (its statistics serve the backward).</summary>
    public GroupNorm NormOf(GraphOp op) => _norms[op];

    /// <summary>
    /// Plans <paramref name="op"/> reading its inputs from <paramref name="buffer"/> and writing <paramref name="output"/>.
    /// Buffers are <see cref="BlockedTensor"/>s for maps and float arrays (row-major) for vectors.
    /// </summary>
    public PlanStep Plan(GraphOp op, Func<GraphValue, object> buffer, object output)
    {
        var a = op.Attributes;
        switch (op.Kind)
        {
            case OpKind.TimestepEmbedding:
            {
                var t = (float[])buffer(op.Inputs[0]);
                var y = (float[])output;
                return new PlanStep(op.Name, 0, _ => TimestepEmbedding.Sinusoidal(t, y, op.Output.C, a.FlipSinToCos, a.FreqShift));
            }
            case OpKind.Linear:
            {
                var x = (float[])buffer(op.Inputs[0]);
                var y = (float[])output;
                int n = op.Output.N, fin = op.Inputs[0].C, fout = op.Output.C;
                float[] w = weights.Checked(op.Parameters[0], (long)fin * fout), b = weights.Checked(op.Parameters[1], fout);
                return new PlanStep(op.Name, 2.0 * n * fin * fout, _ => Linear.Forward(x, w, b, y, n, fin, fout));
            }
            case OpKind.Silu:
            {
                var x = (float[])buffer(op.Inputs[0]);
                var y = (float[])output;
                return new PlanStep(op.Name, 0, _ => Silu.Apply(x, y));
            }
            case OpKind.Conv2d:
                return PlanConv(op, buffer, (BlockedTensor)output);
            case OpKind.GroupNorm:
            {
                var x = (BlockedTensor)buffer(op.Inputs[0]);
                float[] gamma = weights.Checked(op.Parameters[0], x.C), beta = weights.Checked(op.Parameters[1], x.C);
                // The kernel copies γ and β when built: a training plan reloads them after each optimizer step.
                var norm = new GroupNorm(x, (BlockedTensor)output, a.Groups, gamma, beta, a.Eps, a.FusedSilu);
                hooks.Add(() => norm.LoadAffine(gamma, beta));
                _norms.TryAdd(op, norm);
                return new PlanStep(op.Name, 0, norm.Run);
            }
            case OpKind.Attention:
            {
                var attention = new SelfAttention((BlockedTensor)buffer(op.Inputs[0]), (BlockedTensor)buffer(op.Inputs[1]),
                    (BlockedTensor)buffer(op.Inputs[2]), (BlockedTensor)output, a.HeadDim);
                return new PlanStep(op.Name, attention.Flops, attention.Run);
            }
            case OpKind.Upsample2x:
                return new PlanStep(op.Name, 0, new Upsample2x((BlockedTensor)buffer(op.Inputs[0]), (BlockedTensor)output).Run);
            case OpKind.Concat:
                return new PlanStep(op.Name, 0, new Concat((BlockedTensor)buffer(op.Inputs[0]), (BlockedTensor)buffer(op.Inputs[1]), (BlockedTensor)output).Run);
            default:
                throw new NotSupportedException($"{op.Name}: the CPU backend has no forward for {op.Kind}");
        }
    }

    /// <summary>The packings of a convolution op.</summary>
    public ConvPackings Packings(GraphOp op) =>
        weights.Conv(op.Name, op.Output.C, op.Inputs[0].C, op.Attributes.Kernel, op.Attributes.Stride);

    /// <summary>The scratch a Winograd layer streams its weights through, or null to keep its packing (the first plan decides).</summary>
    private WinogradScratch? StreamFor(GraphOp op, BlockedTensor x)
    {
        if (stream is null || Packings(op).WinogradTile(x.H, x.W) is not (int m and > 0)) return null;
        if (!weights.Streamed.TryGetValue(op.Name, out bool streamed))
            weights.Streamed[op.Name] = streamed = (long)x.N * (x.H / m) * (x.W / m) >= streamMinTiles;
        return streamed ? stream : null;
    }

    private PlanStep PlanConv(GraphOp op, Func<GraphValue, object> buffer, BlockedTensor y)
    {
        var x = (BlockedTensor)buffer(op.Inputs[0]);
        var residual = op.Residual is { } r ? (BlockedTensor)buffer(r) : null;
        if (op.SampleBias is not { } biasValue)
        {
            var (run, flops) = Packings(op).Plan(x, y, residual, stream: StreamFor(op, x));
            return new PlanStep(op.Name, flops, run);
        }
        // The per-sample bias [N, Cout] enters the kernel as [N][⌈Cout/16⌉·16] (whole channel blocks), pinned.
        var bias = (float[])buffer(biasValue);
        int cout = y.C, stride = y.Cb * BlockedTensor.Lanes;
        var packed = GC.AllocateArray<float>(y.N * stride, pinned: true);
        var (conv, convFlops) = Packings(op).Plan(x, y, residual, packed, StreamFor(op, x));
        return new PlanStep(op.Name, convFlops, pool =>
        {
            for (int n = 0; n < y.N; n++) Array.Copy(bias, n * cout, packed, n * stride, cout);
            conv(pool);
        });
    }
}
