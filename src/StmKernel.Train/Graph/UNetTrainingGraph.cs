using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Modules;

namespace StmKernel.Train.Graph;

/// <summary>
/// Reverse-mode training of a diffusers <c>UNet2DModel</c>: the same module tree and graph as <see cref="UNet2DModel"/>
/// (<see cref="UNet2D.Build"/>), compiled by a backend as a training plan. <see cref="Forward"/> runs the network and
/// keeps what the backward needs; <see cref="Backward"/> takes dL/dy and overwrites every gradient of <see cref="Parameters"/>.
/// </summary>
/// <remarks>
/// The first pass at a new (B, H, W) plans both passes once; later passes of that shape allocate nothing. Call
/// <see cref="ParametersChanged"/> after changing parameter values (the optimizer does), so packed weight copies are
/// refreshed. Not thread-safe.
/// </remarks>
public sealed class UNetTrainingGraph(ParameterSet parameters, IComputeBackend? backend = null)
{
    private readonly UNet2D _tree = new(parameters.Config);
    private readonly IComputeBackend _backend = backend ?? CpuBackend.Instance;
    private UNetPlan? _pass;

    /// <summary>The parameters and their gradients.</summary>
    public ParameterSet Parameters { get; } = parameters;

    /// <summary>Runs the network on x [B, in, H, W] and timesteps t [B] into y [B, out, H, W], keeping activations for <see cref="Backward"/>.</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor y, WorkerPool pool)
    {
        if (_pass is null || !_pass.Fits(x)) _pass = UNetPlan.Compile(_tree, x, _backend, Parameters, training: true);
        _pass.Forward(x, t, y, pool);
    }

    /// <summary>Back-propagates dL/dy [B, out, H, W] of the last <see cref="Forward"/>, overwriting every parameter gradient.</summary>
    public void Backward(Tensor gradOutput, WorkerPool pool)
    {
        if (_pass is null) throw new InvalidOperationException("Backward needs a Forward first (activations are consumed by each backward)");
        _pass.Backward(gradOutput, pool);
    }

    /// <summary>Bytes of activation and gradient buffers planned for the last input shape (0 before the first pass).</summary>
    public long PlannedBytes => _pass?.Run.PlannedBytes ?? 0;

    /// <summary>Refreshes packed weight copies after parameter values changed (an optimizer step, a load).</summary>
    public void ParametersChanged(WorkerPool? pool = null) => _pass?.Run.ParametersChanged(pool);
}
