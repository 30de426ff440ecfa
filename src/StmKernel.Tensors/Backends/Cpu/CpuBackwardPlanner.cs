using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// Lays out a training plan's backward: the ops in reverse order, each writing its parameters' gradients and
/// contributing to its inputs' gradients (<see cref="GradientMap"/>). A value the forward freed but the backward
/// reads is rebuilt on first use (<see cref="BackwardNeeds.Recompute"/>); kept and rebuilt values, and gradients,
/// return to the arena at their producer's backward, after every reader has been planned.
/// </summary>
/// <remarks>Each parameter gradient is overwritten by its op's backward, so a parameter may be read by one op only.</remarks>
internal sealed class CpuBackwardPlanner
{
    private readonly ComputeGraph _graph;
    private readonly BackwardNeeds _needs;
    private readonly CpuForwardOps _ops;
    private readonly BufferArena _arena;
    private readonly Func<GraphValue, object> _forward;
    private readonly List<Action<WorkerPool>> _steps;
    private readonly List<Action> _hooks;
    private readonly GradientMap _grads;
    private readonly Dictionary<int, BlockedTensor> _rebuilt = [];
    private readonly Dictionary<int, float[]> _vectorGrads = [];

    public CpuBackwardPlanner(ComputeGraph graph, BackwardNeeds needs, CpuForwardOps ops, BufferArena arena,
        Func<GraphValue, object> forward, List<Action<WorkerPool>> steps, List<Action> hooks)
    {
        _graph = graph; _needs = needs; _ops = ops; _arena = arena; _forward = forward; _steps = steps; _hooks = hooks;
        _grads = new GradientMap(arena);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in graph.Ops)
            foreach (var key in op.Parameters)
                if (!seen.Add(key)) throw new NotSupportedException($"parameter '{key}' is read by two ops: a training plan needs one reader per parameter");
    }

    /// <summary>Plans the whole backward, seeded with dL/d(output) in <paramref name="seed"/>.</summary>
    public void Plan(BlockedTensor seed)
    {
        var output = _graph.Outputs[0];
        _grads.Seed(output, seed);
        for (int i = _graph.Ops.Count - 1; i >= 0; i--)
        {
            var op = _graph.Ops[i];
            if (op.Kind is OpKind.Input or OpKind.TimestepEmbedding) { ReleaseForward(op.Output); continue; }
            if (op.Output.IsMap ? !_grads.Has(op.Output) : !_vectorGrads.ContainsKey(op.Output.Id))
                throw new InvalidOperationException($"{op.Name}: no gradient flows to its output");
            PlanOp(op);
            if (op.Output.IsMap) _grads.Release(op.Output);
            else _vectorGrads.Remove(op.Output.Id);
            ReleaseForward(op.Output);
        }
    }

    private void PlanOp(GraphOp op)
    {
        switch (op.Kind)
        {
            case OpKind.Conv2d: Conv(op); break;
            case OpKind.GroupNorm:
            {
                var x = Read(op.Inputs[0]);
                var (dx, accumulate) = _grads.Contribute(op.Inputs[0]);
                var a = op.Attributes;
                // The forward kernel's group statistics are x's, unless x itself was rebuilt into another buffer.
                var forward = _ops.NormOf(op);
                var backward = new GroupNormBackward(x, _grads.Of(op.Output), dx, a.Groups, Value(op.Parameters[0]), Value(op.Parameters[1]),
                    a.Eps, a.FusedSilu, Gradient(op.Parameters[0]), Gradient(op.Parameters[1]), accumulate,
                    ReferenceEquals(forward.Input, x) ? forward : null);
                _steps.Add(backward.Run);
                break;
            }
            case OpKind.Attention:
            {
                var (q, k, v) = (Read(op.Inputs[0]), Read(op.Inputs[1]), Read(op.Inputs[2]));
                var (dq, aq) = _grads.Contribute(op.Inputs[0]);
                var (dk, ak) = _grads.Contribute(op.Inputs[1]);
                var (dv, av) = _grads.Contribute(op.Inputs[2]);
                if (aq || ak || av) throw new NotSupportedException($"{op.Name}: attention's Q, K and V must have no other reader");
                _steps.Add(new SelfAttentionBackward(q, k, v, _grads.Of(op.Output), dq, dk, dv, op.Attributes.HeadDim).Run);
                break;
            }
            case OpKind.Upsample2x:
            {
                var (dx, accumulate) = _grads.Contribute(op.Inputs[0]);
                _steps.Add(new Upsample2xBackward(_grads.Of(op.Output), dx, accumulate).Run);
                break;
            }
            case OpKind.Concat:
            {
                var (da, accA) = _grads.Contribute(op.Inputs[0]);
                var (db, accB) = _grads.Contribute(op.Inputs[1]);
                _steps.Add(new ConcatBackward(_grads.Of(op.Output), da, db, accA, accB).Run);
                break;
            }
            case OpKind.Linear: Linear(op); break;
            case OpKind.Silu:
            {
                var x = (float[])_forward(op.Inputs[0]);
                var dy = _vectorGrads[op.Output.Id];
                var (dx, accumulate) = ContributeVector(op.Inputs[0]);
                if (!accumulate) _steps.Add(_ => SiluBackward.Apply(x, dy, dx));
                else
                {
                    var part = new float[dx.Length];
                    _steps.Add(_ =>
                    {
                        SiluBackward.Apply(x, dy, part);
                        for (int j = 0; j < dx.Length; j++) dx[j] += part[j];
                    });
                }
                break;
            }
            default:
                throw new NotSupportedException($"{op.Name}: the CPU backend has no backward for {op.Kind}");
        }
    }

    private void Conv(GraphOp op)
    {
        var a = op.Attributes;
        var x = Read(op.Inputs[0]);
        var dy = _grads.Of(op.Output);
        float[] gw = Gradient(op.Parameters[0]), gb = Gradient(op.Parameters[1]);
        _steps.Add(WinogradGradWeights.Suits(x.C, a.Kernel, a.Stride, x.H, x.W)
            ? new WinogradGradWeights(x, dy, gw).Run
            : new ConvGradWeights(x, dy, a.Kernel, a.Stride, gw).Run);
        var sums = new ChannelSums(dy);
        _steps.Add(pool => { sums.Run(pool); sums.SumOverBatch(gb); });
        if (RequiresGradient(op.Inputs[0]))
        {
            var (dx, accumulate) = _grads.Contribute(op.Inputs[0]);
            var gi = new ConvGradInput(Value(op.Parameters[0]), dy.C, x.C, a.Kernel, a.Stride, dy, dx, accumulate);
            _steps.Add(gi.Run);
            _hooks.Add(gi.Repack);
        }
        if (op.SampleBias is { } bias)
        {
            // d(per-sample bias) = the per-sample channel sums of dy, laid out [N][⌈Cout/16⌉·16].
            var (db, accumulate) = ContributeVector(bias);
            int n = bias.N, cout = bias.C, stride = dy.Cb * BlockedTensor.Lanes;
            _steps.Add(_ =>
            {
                for (int s = 0; s < n; s++)
                    for (int c = 0; c < cout; c++)
                        db[s * cout + c] = (accumulate ? db[s * cout + c] : 0) + sums.Sums[s * stride + c];
            });
        }
        // Last, so every reader of dy above runs before anything adds into a shared buffer.
        if (op.Residual is { } r && RequiresGradient(r))
        {
            if (!_grads.Share(r, dy))
            {
                var (dr, accumulate) = _grads.Contribute(r);
                _steps.Add(new AddInto(dy, dr, accumulate).Run);
            }
        }
    }

    private void Linear(GraphOp op)
    {
        var xValue = op.Inputs[0];
        var x = (float[])_forward(xValue);
        var dy = _vectorGrads[op.Output.Id];
        int n = op.Output.N, fin = xValue.C, fout = op.Output.C;
        float[] w = Value(op.Parameters[0]), gw = Gradient(op.Parameters[0]), gb = Gradient(op.Parameters[1]);
        if (!RequiresGradient(xValue))
        {
            _steps.Add(_ => LinearBackward.Apply(x, w, dy, gw, gb, Span<float>.Empty, n, fin, fout, accumulateInput: false));
            return;
        }
        var (dx, accumulate) = ContributeVector(xValue);
        _steps.Add(_ => LinearBackward.Apply(x, w, dy, gw, gb, dx, n, fin, fout, accumulate));
    }

    /// <summary>A forward map the backward reads: kept from the forward, or rebuilt now by re-running its producer.</summary>
    private BlockedTensor Read(GraphValue v)
    {
        if (!_needs.Recompute[v.Id]) return Map(v);
        if (_rebuilt.TryGetValue(v.Id, out var t)) return t;
        var producer = _graph.Ops[v.Id];
        t = _arena.Acquire(v.N, v.C, v.H, v.W);
        var step = _ops.Plan(producer, input => input.IsMap ? Read(input) : _forward(input), t);
        _steps.Add(step.Run);
        _rebuilt[v.Id] = t;
        return t;
    }

    /// <summary>Returns a kept or rebuilt forward value to the arena at its producer's backward.</summary>
    private void ReleaseForward(GraphValue v)
    {
        if (!v.IsMap || _graph.Ops[v.Id].Kind == OpKind.Input) return;
        if (_needs.Keep[v.Id] || IsGraphOutput(v)) _arena.Release(Map(v));
        else if (_rebuilt.Remove(v.Id, out var t)) _arena.Release(t);
    }

    private bool IsGraphOutput(GraphValue v) => _graph.Outputs.Contains(v);

    private (float[] Buffer, bool Accumulate) ContributeVector(GraphValue v)
    {
        if (_vectorGrads.TryGetValue(v.Id, out var g)) return (g, true);
        return (_vectorGrads[v.Id] = new float[v.Count], false);
    }

    private bool RequiresGradient(GraphValue v) => _graph.Ops[v.Id].Kind is not (OpKind.Input or OpKind.TimestepEmbedding);

    private BlockedTensor Map(GraphValue v) => (BlockedTensor)_forward(v);

    private float[] Value(string key) => _ops.Weights.Store.Value(key);

    private float[] Gradient(string key) =>
        _ops.Weights.Store.Gradient(key) ?? throw new InvalidOperationException($"parameter '{key}' has no gradient buffer: the store is inference-only");
}
