using System.Diagnostics;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// A <see cref="ComputeGraph"/> planned on the CPU kernels: one kernel object per op, every buffer allocated at
/// plan time, so a run allocates nothing. The planner owns buffer lifetimes: each activation returns to the arena
/// after its last reader (<see cref="ComputeGraph.LastUses"/>), as ggml-alloc does. A training plan keeps what the
/// backward reads (<see cref="BackwardNeeds"/>) and lays the backward out in reverse op order
/// (<see cref="CpuBackwardPlanner"/>).
/// </summary>
internal sealed class CpuExecutable : IGraphExecutable
{
    private readonly CpuWeights _weights;
    private readonly object[] _buffers;                 // per value id: BlockedTensor (maps) or float[] (vectors, timesteps)
    private readonly List<PlanStep> _steps = [];
    private readonly List<Action<WorkerPool>> _backward = [];
    private readonly List<Action> _hooks = [];          // per-plan copies of parameters to refresh (norm affines, transposed weights)
    private readonly BufferArena _arena;
    private readonly BlockedTensor? _gradSeed;
    private bool _forwardDone;

    public CpuExecutable(ComputeGraph graph, CpuWeights weights, bool training, int streamMinTiles)
    {
        Graph = graph;
        _weights = weights;
        // Inference plans of one parameter store run one at a time and keep nothing between runs: they share one
        // block (a tiled restore plans batch B and its last, smaller batch). A training plan holds activations
        // from its forward to its backward, so it owns its memory.
        _arena = new BufferArena(training ? null : weights.InferenceMemory);
        _buffers = new object[graph.Ops.Count];
        var ops = new CpuForwardOps(weights, _hooks, training ? null : weights.WinogradScratch, streamMinTiles);
        var needs = training ? BackwardNeeds.Of(graph) : null;
        _arena.Emit = zero => _steps.Add(new PlanStep("zero_halo", 0, zero));
        int[] lastUse = graph.LastUses();
        for (int i = 0; i < graph.Ops.Count; i++)
        {
            var op = graph.Ops[i];
            var inPlace = training ? null : InPlaceSource(op, lastUse, i);
            _buffers[i] = op.Kind == OpKind.Input ? NewBuffer(op.Output) : inPlace is not null ? _buffers[inPlace.Id] : Acquire(op.Output);
            if (op.Kind != OpKind.Input) _steps.Add(ops.Plan(op, Buffer, _buffers[i]));
            // Free inputs after their last reader unless the backward reads them (kept to the producer's backward);
            // an in-place op's source buffer now belongs to its output.
            foreach (var v in op.Inputs.Distinct())
                if (lastUse[v.Id] == i && needs?.Keep[v.Id] != true && v != inPlace) Free(v);
            if (lastUse[i] < 0) Free(op.Output);
        }
        if (!training) return;
        if (graph.Outputs.Count != 1 || !graph.Outputs[0].IsMap)
            throw new NotSupportedException("a training plan back-propagates one feature-map output");
        _gradSeed = new BlockedTensor(graph.Outputs[0].N, graph.Outputs[0].C, graph.Outputs[0].H, graph.Outputs[0].W);
        _arena.Emit = _backward.Add;
        new CpuBackwardPlanner(graph, needs!, ops, _arena, Buffer, _backward, _hooks).Plan(_gradSeed);
    }

    /// <inheritdoc />
    public ComputeGraph Graph { get; }

    /// <inheritdoc />
    public IReadOnlyList<PlanStep> Steps => _steps;

    /// <inheritdoc />
    public long PlannedBytes => _arena.AllocatedBytes;

    /// <inheritdoc />
    public void SetInput(GraphValue input, ReadOnlySpan<float> data)
    {
        if (Graph.Ops[input.Id].Kind != OpKind.Input || !ReferenceEquals(Graph.Ops[input.Id].Output, input))
            throw new ArgumentException($"{input} is not an input of this graph", nameof(input));
        if (data.Length != input.Count) throw new ArgumentException($"{Graph.Ops[input.Id].Name}: got {data.Length} values for {input}", nameof(data));
        if (_buffers[input.Id] is BlockedTensor map) map.CopyFrom(data);
        else data.CopyTo((float[])_buffers[input.Id]);
    }

    /// <inheritdoc />
    public void Forward(WorkerPool pool, Action<PlanStep, TimeSpan>? profile = null)
    {
        foreach (var step in _steps)
        {
            long start = profile is null ? 0 : Stopwatch.GetTimestamp();
            step.Run(pool);
            profile?.Invoke(step, Stopwatch.GetElapsedTime(start));
        }
        _forwardDone = true;
    }

    /// <inheritdoc />
    public void GetOutput(GraphValue output, Span<float> data)
    {
        if (!Graph.Outputs.Contains(output)) throw new ArgumentException($"{output} is not an output of this graph", nameof(output));
        if (data.Length != output.Count) throw new ArgumentException($"got room for {data.Length} values for {output}", nameof(data));
        if (_buffers[output.Id] is BlockedTensor map) map.CopyTo(data);
        else ((float[])_buffers[output.Id]).CopyTo(data);
    }

    /// <inheritdoc />
    public void Backward(GraphValue output, ReadOnlySpan<float> gradient, WorkerPool pool)
    {
        if (_gradSeed is null) throw new InvalidOperationException("this plan was compiled for inference: compile with training to run a backward");
        if (!ReferenceEquals(output, Graph.Outputs[0])) throw new ArgumentException($"{output} is not the plan's output", nameof(output));
        if (!_forwardDone) throw new InvalidOperationException("Backward needs a Forward first (activations are consumed by each backward)");
        if (gradient.Length != output.Count) throw new ArgumentException($"got {gradient.Length} gradient values for {output}", nameof(gradient));
        _gradSeed.CopyFrom(gradient);
        foreach (var step in _backward) step(pool);
        _forwardDone = false;
    }

    /// <inheritdoc />
    public void ParametersChanged(WorkerPool? pool = null)
    {
        _weights.Refresh(pool ?? WorkerPool.Inline, _hooks);
    }

    /// <summary>
    /// Inference only: the input whose buffer <paramref name="op"/> may overwrite, because this op is its last reader —
    /// a group norm's input (statistics are taken before any element is written, then each element is rewritten in
    /// place) or a convolution's residual (its kernels add the residual into the output as they store). Saves a
    /// full activation at the U-Net's widest layers (docs/performance.md, restore memory).
    /// </summary>
    private GraphValue? InPlaceSource(GraphOp op, int[] lastUse, int index)
    {
        var source = op.Kind switch
        {
            OpKind.GroupNorm => op.Inputs[0],
            OpKind.Conv2d => op.Residual,
            _ => null,
        };
        if (source is null || lastUse[source.Id] != index || Graph.Ops[source.Id].Kind == OpKind.Input) return null;
        return op.Inputs.Count(v => v == source) == 1 ? source : null;
    }

    private object Buffer(GraphValue v) => _buffers[v.Id] ?? throw new InvalidOperationException($"{v} has no buffer");

    private object Acquire(GraphValue v) => v.IsMap ? _arena.Acquire(v.N, v.C, v.H, v.W) : new float[v.Count];

    private static object NewBuffer(GraphValue v) => v.IsMap ? new BlockedTensor(v.N, v.C, v.H, v.W) : new float[v.Count];

    private void Free(GraphValue v)
    {
        // Inputs keep their own buffers (the caller fills them before every run); vectors are a few floats.
        if (v.IsMap && Graph.Ops[v.Id].Kind != OpKind.Input) _arena.Release((BlockedTensor)_buffers[v.Id]);
    }
}
