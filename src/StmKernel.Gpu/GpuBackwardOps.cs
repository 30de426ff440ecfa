using ILGPU;
using StmKernel.Tensors.Graph;
using DeviceBuffer = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace StmKernel.Gpu;

/// <summary>
/// Lays out a training plan's backward: the ops in reverse order, each adding its contribution to the gradients of
/// its inputs and of its parameters. Every gradient buffer (activations and parameters) is zeroed before a
/// backward, so a value read by several ops, or a parameter read by several ops, simply accumulates; the
/// parameters' gradients are downloaded into the store at the end, overwriting it.
/// </summary>
internal sealed class GpuBackwardOps
{
    private readonly ComputeGraph _graph;
    private readonly GpuKernels _kernels;
    private readonly GpuForwardOps _forward;
    private readonly GpuWeights _weights;
    private readonly GpuPlanBuffers _buffers;
    private readonly DeviceBuffer[] _values;
    private readonly DeviceBuffer?[] _grads;

    public GpuBackwardOps(ComputeGraph graph, GpuKernels kernels, GpuForwardOps forward, GpuWeights weights, GpuPlanBuffers buffers, DeviceBuffer[] values)
    {
        (_graph, _kernels, _forward, _weights, _buffers, _values) = (graph, kernels, forward, weights, buffers, values);
        _grads = [.. graph.Ops.Select(op => RequiresGradient(op.Output) ? buffers.Allocate(op.Output.Count) : null)];
        ParameterKeys = [.. graph.Ops.SelectMany(op => op.Parameters).Distinct(StringComparer.Ordinal)];
        foreach (var key in ParameterKeys) weights.Gradient(key);
        for (int i = graph.Ops.Count - 1; i >= 0; i--)
            if (graph.Ops[i].Kind is not (OpKind.Input or OpKind.TimestepEmbedding)) Plan(graph.Ops[i]);
    }

    /// <summary>The backward's launches in order.</summary>
    public List<Action> Steps { get; } = [];

    /// <summary>Every parameter the plan differentiates.</summary>
    public string[] ParameterKeys { get; }

    /// <summary>The activation and parameter gradient buffers, zeroed before each backward.</summary>
    public IEnumerable<DeviceBuffer> Accumulators => _grads.OfType<DeviceBuffer>().Concat(ParameterKeys.Select(_weights.Gradient));

    /// <summary>dL/d<paramref name="v"/>, where the loss gradient of the output is seeded.</summary>
    public DeviceBuffer GradientOf(GraphValue v) => _grads[v.Id] ?? throw new InvalidOperationException($"{v} takes no gradient");

    private void Plan(GraphOp op)
    {
        var dy = G(op.Output)!.Value;
        switch (op.Kind)
        {
            case OpKind.Linear:
            {
                var (x, n, fin, fout) = (V(op.Inputs[0]), op.Output.N, op.Inputs[0].C, op.Output.C);
                var w = _forward.Parameter(op, 0, (long)fout * fin);
                var (gw, gb, dx) = (ParameterGradient(op, 0), ParameterGradient(op, 1), G(op.Inputs[0]));
                Steps.Add(() =>
                {
                    _kernels.Gemm(Shapes.LinearGradWeight(n, fin, fout), dy, x, _buffers.None, gw);
                    _kernels.SumOverBatch(dy, gb, n);
                    if (dx is { } d) _kernels.Gemm(Shapes.LinearGradInput(n, fin, fout), dy, w, _buffers.None, d);
                });
                break;
            }
            case OpKind.Silu:
            {
                var x = V(op.Inputs[0]);
                if (G(op.Inputs[0]) is { } dx) Steps.Add(() => _kernels.SiluBackward(x, dy, dx));
                break;
            }
            case OpKind.Conv2d: Conv(op, dy); break;
            case OpKind.GroupNorm:
            {
                var s = Shapes.Norm(op);
                var (x, stats) = (V(op.Inputs[0]), _forward.Saved[op.Output.Id].View);
                var (gamma, beta) = (_forward.Parameter(op, 0, s.C), _forward.Parameter(op, 1, s.C));
                var (dGamma, dBeta, dx) = (ParameterGradient(op, 0), ParameterGradient(op, 1), G(op.Inputs[0]));
                var sums = _buffers.Allocate(2L * s.N * s.C).View;
                long half = (long)s.N * s.C;
                Steps.Add(() =>
                {
                    _kernels.NormChannelSums(s, x, stats, gamma, beta, dy, sums);
                    _kernels.SumOverBatch(sums.SubView(0, half), dGamma, s.N);
                    _kernels.SumOverBatch(sums.SubView(half, half), dBeta, s.N);
                    if (dx is { } d) _kernels.NormGradInput(s, x, stats, gamma, beta, dy, sums, d);
                });
                break;
            }
            case OpKind.Attention:
            {
                var shape = Shapes.Attention(op.Output, op.Attributes.HeadDim);
                var (q, k, v) = (V(op.Inputs[0]), V(op.Inputs[1]), V(op.Inputs[2]));
                var p = _forward.Saved[op.Output.Id].View;
                var ds = _buffers.Allocate(p.Length).View;
                var (dq, dk, dv) = (G(op.Inputs[0]), G(op.Inputs[1]), G(op.Inputs[2]));
                Steps.Add(() =>
                {
                    if (dv is { } gv) _kernels.Gemm(shape.GradV, dy, p, _buffers.None, gv);
                    _kernels.Gemm(shape.GradScores, dy, v, _buffers.None, ds);
                    _kernels.SoftmaxBackward(p, ds, shape.Pixels, shape.Scale);
                    if (dq is { } gq) _kernels.Gemm(shape.GradQ, k, ds, _buffers.None, gq);
                    if (dk is { } gk) _kernels.Gemm(shape.GradK, q, ds, _buffers.None, gk);
                });
                break;
            }
            case OpKind.Upsample2x:
            {
                var (h, w) = (op.Inputs[0].H, op.Inputs[0].W);
                if (G(op.Inputs[0]) is { } dx) Steps.Add(() => _kernels.Upsample2xBackward(dy, dx, h, w));
                break;
            }
            case OpKind.Concat:
            {
                var (da, db) = (G(op.Inputs[0]), G(op.Inputs[1]));
                int ca = op.Inputs[0].C, cb = op.Inputs[1].C, pixels = op.Output.H * op.Output.W;
                Steps.Add(() => _kernels.ConcatBackward(dy, da ?? _buffers.None, db ?? _buffers.None, ca, cb, pixels, da is not null, db is not null));
                break;
            }
            default:
                throw new NotSupportedException($"{op.Name}: the ILGPU backend has no backward for {op.Kind}");
        }
    }

    private void Conv(GraphOp op, ArrayView<float> dy)
    {
        var s = Shapes.Conv(op);
        var x = V(op.Inputs[0]);
        var w = _forward.Parameter(op, 0, (long)s.Cout * s.Cin * s.K * s.K);
        var (gw, gb) = (ParameterGradient(op, 0), ParameterGradient(op, 1));
        var sums = _buffers.Allocate((long)s.N * s.Cout).View;   // per-sample channel sums of dy
        var dx = G(op.Inputs[0]);
        var dSampleBias = op.SampleBias is { } sb ? G(sb) : null;
        var dResidual = op.Residual is { } r ? G(r) : null;
        Steps.Add(() =>
        {
            _kernels.ConvGradWeight(s, x, dy, gw);
            _kernels.RowSums(dy, sums, s.Ho * s.Wo);
            _kernels.SumOverBatch(sums, gb, s.N);
            if (dSampleBias is { } dsb) _kernels.AddInto(sums, dsb);
            if (dx is { } d) _kernels.ConvGradInput(s, dy, w, d);
            if (dResidual is { } dr) _kernels.AddInto(dy, dr);
        });
    }

    private ArrayView<float> V(GraphValue v) => _values[v.Id].View;

    /// <summary>The gradient a contribution to <paramref name="v"/> adds into, or null when v takes none (graph inputs, the time embedding).</summary>
    private ArrayView<float>? G(GraphValue v) => _grads[v.Id] is { } g ? g.View : null;

    private ArrayView<float> ParameterGradient(GraphOp op, int index) => _weights.Gradient(op.Parameters[index]).View;

    private bool RequiresGradient(GraphValue v) => _graph.Ops[v.Id].Kind is not (OpKind.Input or OpKind.TimestepEmbedding);
}
