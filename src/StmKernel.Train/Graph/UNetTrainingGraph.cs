using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Graph;
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
    private Pass? _pass;

    /// <summary>The parameters and their gradients.</summary>
    public ParameterSet Parameters { get; } = parameters;

    /// <summary>Runs the network on x [B, in, H, W] and timesteps t [B] into y [B, out, H, W], keeping activations for <see cref="Backward"/>.</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor y, WorkerPool pool)
    {
        var pass = PassFor(x);
        if (t.Length != x.Dim(0)) throw new ArgumentException($"got {t.Length} timesteps for a batch of {x.Dim(0)}");
        if (!y.Shape.AsSpan().SequenceEqual(pass.Output.Shape))
            throw new ArgumentException($"output shape {y.ShapeText} does not match [{string.Join(", ", pass.Output.Shape)}]");
        pass.Run.SetInput(pass.Sample, x.Data);
        pass.Run.SetInput(pass.Timestep, t);
        pass.Run.Forward(pool);
        pass.Run.GetOutput(pass.Output, y.Data);
    }

    /// <summary>Back-propagates dL/dy [B, out, H, W] of the last <see cref="Forward"/>, overwriting every parameter gradient.</summary>
    public void Backward(Tensor gradOutput, WorkerPool pool)
    {
        if (_pass is null) throw new InvalidOperationException("Backward needs a Forward first (activations are consumed by each backward)");
        if (!gradOutput.Shape.AsSpan().SequenceEqual(_pass.Output.Shape))
            throw new ArgumentException($"output gradient shape {gradOutput.ShapeText} does not match the last forward's output");
        _pass.Run.Backward(_pass.Output, gradOutput.Data, pool);
    }

    /// <summary>Bytes of activation and gradient buffers planned for the last input shape (0 before the first pass).</summary>
    public long PlannedBytes => _pass?.Run.PlannedBytes ?? 0;

    /// <summary>Refreshes packed weight copies after parameter values changed (an optimizer step, a load).</summary>
    public void ParametersChanged(WorkerPool? pool = null) => _pass?.Run.ParametersChanged(pool);

    private Pass PassFor(Tensor x)
    {
        var config = Parameters.Config;
        if (x.Rank != 4 || x.Dim(1) != config.InChannels)
            throw new ArgumentException($"input must be [B, {config.InChannels}, H, W], got {x.ShapeText}");
        if (_pass is { } p && p.Sample.Shape.AsSpan().SequenceEqual(x.Shape)) return p;
        var (graph, sample, timestep, output) = _tree.Build(x.Dim(0), x.Dim(2), x.Dim(3));
        return _pass = new Pass(_backend.Compile(graph, Parameters, training: true), sample, timestep, output);
    }

    private sealed record Pass(IGraphExecutable Run, GraphValue Sample, GraphValue Timestep, GraphValue Output);
}
