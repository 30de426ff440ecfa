using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Graph;

/// <summary>
/// Reverse-mode training of a network of any family: the same module tree and graph as <see cref="NetworkModel"/>
/// (<see cref="NetworkModule.Build"/>), compiled by a backend as a training plan.
/// </summary>
/// <remarks>
/// The first pass at a new (B, H, W) plans both passes once; later passes of that shape allocate nothing. Not thread-safe.
/// </remarks>
public sealed class TrainingNetwork(ParameterSet parameters, IComputeBackend? backend = null) : ITrainableNetwork
{
    private readonly NetworkModule _tree = parameters.Config.CreateTree();
    private readonly IComputeBackend _backend = backend ?? CpuBackend.Instance;
    private NetworkPlan? _pass;

    /// <inheritdoc />
    public ParameterSet Parameters { get; } = parameters;

    /// <inheritdoc />
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor y, WorkerPool pool)
    {
        if (_pass is null || !_pass.Fits(x)) _pass = NetworkPlan.Compile(_tree, x, _backend, Parameters, training: true);
        _pass.Forward(x, t, y, pool);
    }

    /// <inheritdoc />
    public void Backward(Tensor gradOutput, WorkerPool pool)
    {
        if (_pass is null) throw new InvalidOperationException("Backward needs a Forward first (activations are consumed by each backward)");
        _pass.Backward(gradOutput, pool);
    }

    /// <inheritdoc />
    public long PlannedBytes => _pass?.Run.PlannedBytes ?? 0;

    /// <inheritdoc />
    public void ParametersChanged(WorkerPool? pool = null) => _pass?.Run.ParametersChanged(pool);
}
