using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Backends;

/// <summary>
/// Executes <see cref="ComputeGraph"/>s: the seam between a model (which builds the graph once from its module tree)
/// and the hardware. A backend owns buffer layout, allocation and kernel choice; the CPU backend
/// (<see cref="Cpu.CpuBackend"/>) runs today's SIMD kernels in NCHW16c.
/// </summary>
public interface IComputeBackend
{
    /// <summary>Short name for logs and test names ("cpu").</summary>
    string Name { get; }

    /// <summary>
    /// Plans <paramref name="graph"/> on <paramref name="parameters"/>: buffers, kernels and their order. With
    /// <paramref name="training"/> the plan also keeps what the backward needs and can run <see cref="IGraphExecutable.Backward"/>,
    /// which writes the store's gradients.
    /// </summary>
    IGraphExecutable Compile(ComputeGraph graph, IParameterStore parameters, bool training);
}

/// <summary>A planned graph: fill the inputs, run, read the outputs (and for training plans, run the backward).</summary>
public interface IGraphExecutable
{
    /// <summary>The graph this plan runs.</summary>
    ComputeGraph Graph { get; }

    /// <summary>The forward's steps in execution order, each named by its module key with its flop count (per-layer profiles).</summary>
    IReadOnlyList<PlanStep> Steps { get; }

    /// <summary>Bytes of activation (and gradient) buffers this plan holds.</summary>
    long PlannedBytes { get; }

    /// <summary>Copies a caller's input (plain row-major data of the value's shape) into the plan.</summary>
    void SetInput(GraphValue input, ReadOnlySpan<float> data);

    /// <summary>Runs the forward; <paramref name="profile"/> receives each step's elapsed time when given.</summary>
    void Forward(WorkerPool pool, Action<PlanStep, TimeSpan>? profile = null);

    /// <summary>Copies an output of the last forward into plain row-major data of its shape.</summary>
    void GetOutput(GraphValue output, Span<float> data);

    /// <summary>
    /// Back-propagates dL/d<paramref name="output"/> (plain data of its shape) through the last forward, overwriting
    /// every parameter gradient of the store. Training plans only.
    /// </summary>
    void Backward(GraphValue output, ReadOnlySpan<float> gradient, WorkerPool pool);

    /// <summary>Re-reads the parameter values into the backend's packed copies (after an optimizer step or a load).</summary>
    void ParametersChanged(WorkerPool? pool = null);
}
