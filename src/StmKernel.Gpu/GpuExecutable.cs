using System.Diagnostics;
using System.Runtime.InteropServices;
using ILGPU.Runtime;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Threading;
using DeviceBuffer = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace StmKernel.Gpu;

/// <summary>
/// A <see cref="ComputeGraph"/> planned on one ILGPU accelerator: every buffer allocated at plan time and kept on
/// the device, one step of kernel launches per op, no host round trip between ops. SetInput and GetOutput copy
/// host ↔ device; a training plan's Backward zeroes its gradient buffers, seeds the output's, runs the ops in
/// reverse (<see cref="GpuBackwardOps"/>) and downloads the parameter gradients into the store.
/// </summary>
internal sealed class GpuExecutable : IGraphExecutable
{
    private readonly Accelerator _accelerator;
    private readonly GpuWeights _weights;
    private readonly GpuPlanBuffers _buffers;
    private readonly DeviceBuffer[] _values;
    private readonly List<PlanStep> _steps = [];
    private readonly GpuBackwardOps? _backward;
    private bool _forwardDone;

    public GpuExecutable(Accelerator accelerator, GpuKernels kernels, ComputeGraph graph, GpuWeights weights, bool training)
    {
        Graph = graph;
        _accelerator = accelerator;
        _weights = weights;
        _buffers = new GpuPlanBuffers(accelerator);
        _values = _buffers.ForValues(graph);
        var forward = new GpuForwardOps(kernels, weights, _buffers, _values);
        foreach (var op in graph.Ops)
            if (op.Kind != OpKind.Input) _steps.Add(forward.Plan(op));
        if (!training) return;
        if (graph.Outputs.Count != 1 || !graph.Outputs[0].IsMap)
            throw new NotSupportedException("a training plan back-propagates one feature-map output");
        _backward = new GpuBackwardOps(graph, kernels, forward, weights, _buffers, _values);
    }

    /// <inheritdoc />
    public ComputeGraph Graph { get; }

    /// <inheritdoc />
    public IReadOnlyList<PlanStep> Steps => _steps;

    /// <inheritdoc />
    public long PlannedBytes => _buffers.Bytes;

    /// <inheritdoc />
    public void SetInput(GraphValue input, ReadOnlySpan<float> data)
    {
        if (Graph.Ops[input.Id].Kind != OpKind.Input || !ReferenceEquals(Graph.Ops[input.Id].Output, input))
            throw new ArgumentException($"{input} is not an input of this graph", nameof(input));
        if (data.Length != input.Count) throw new ArgumentException($"{Graph.Ops[input.Id].Name}: got {data.Length} values for {input}", nameof(data));
        _values[input.Id].View.CopyFromCPU(ref MemoryMarshal.GetReference(data), data.Length);
    }

    /// <inheritdoc />
    /// <remarks>The pool is unused: the accelerator runs the kernels. With a profile, each step is synchronized to be timed.</remarks>
    public void Forward(WorkerPool pool, Action<PlanStep, TimeSpan>? profile = null)
    {
        foreach (var step in _steps)
        {
            long start = profile is null ? 0 : Stopwatch.GetTimestamp();
            step.Run(pool);
            if (profile is null) continue;
            _accelerator.Synchronize();
            profile(step, Stopwatch.GetElapsedTime(start));
        }
        // Callers time Forward: it returns when the device is done.
        _accelerator.Synchronize();
        _forwardDone = true;
    }

    /// <inheritdoc />
    public void GetOutput(GraphValue output, Span<float> data)
    {
        if (!Graph.Outputs.Contains(output)) throw new ArgumentException($"{output} is not an output of this graph", nameof(output));
        if (data.Length != output.Count) throw new ArgumentException($"got room for {data.Length} values for {output}", nameof(data));
        _values[output.Id].View.CopyToCPU(ref MemoryMarshal.GetReference(data), data.Length);
    }

    /// <inheritdoc />
    public void Backward(GraphValue output, ReadOnlySpan<float> gradient, WorkerPool pool)
    {
        if (_backward is null) throw new InvalidOperationException("this plan was compiled for inference: compile with training to run a backward");
        if (!ReferenceEquals(output, Graph.Outputs[0])) throw new ArgumentException($"{output} is not the plan's output", nameof(output));
        if (!_forwardDone) throw new InvalidOperationException("Backward needs a Forward first");
        if (gradient.Length != output.Count) throw new ArgumentException($"got {gradient.Length} gradient values for {output}", nameof(gradient));
        GpuPlanBuffers.Zero(_backward.Accumulators);
        _backward.GradientOf(output).View.CopyFromCPU(ref MemoryMarshal.GetReference(gradient), gradient.Length);
        foreach (var step in _backward.Steps) step();
        _accelerator.Synchronize();
        foreach (var key in _backward.ParameterKeys) _weights.Download(key);
        _forwardDone = false;
    }

    /// <inheritdoc />
    public void ParametersChanged(WorkerPool? pool = null) => _weights.Upload();
}
