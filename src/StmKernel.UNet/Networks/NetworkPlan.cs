using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Threading;
namespace StmKernel.UNet.Networks;

/// <summary>
/// A network's graph (<see cref="NetworkModule.Build"/>) compiled by a backend for one input shape, with the graph values it
/// reads and writes: what both the inference model and the training graph run, so the call sequence lives once.
/// </summary>
public sealed class NetworkPlan
{
    private readonly GraphValue _sample, _output;
    private readonly GraphValue? _timestep;

    private NetworkPlan(IGraphExecutable run, NetworkGraph graph)
    {
        Run = run;
        (_sample, _timestep, _output) = (graph.Sample, graph.Timestep, graph.Output);
    }

    /// <summary>Builds <paramref name="tree"/>'s graph for x's shape [B, in, H, W] and compiles it on <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentException">x is not [B, in, H, W] with H, W multiples of the network's spatial multiple.</exception>
    public static NetworkPlan Compile(NetworkModule tree, Tensor x, IComputeBackend backend, IParameterStore parameters, bool training)
    {
        if (x.Rank != 4 || x.Dim(1) != tree.Config.InChannels)
            throw new ArgumentException($"input must be [B, {tree.Config.InChannels}, H, W], got {x.ShapeText}");
        var graph = tree.Build(x.Dim(0), x.Dim(2), x.Dim(3));
        return new NetworkPlan(backend.Compile(graph.Graph, parameters, training), graph);
    }

    /// <summary>The backend's plan (steps, planned bytes, parameter refresh).</summary>
    public IGraphExecutable Run { get; }

    /// <summary>True when the plan was compiled for inputs of x's shape.</summary>
    public bool Fits(Tensor x) => _sample.Shape.AsSpan().SequenceEqual(x.Shape);

    /// <summary>Runs x [B, in, H, W] at timesteps t [B] into <paramref name="output"/> [B, out, H, W]; a network without a time input ignores t.</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor output, WorkerPool pool, Action<PlanStep, TimeSpan>? profile = null)
    {
        if (!Fits(x)) throw new ArgumentException($"input {x.ShapeText} does not match the plan's [{string.Join(", ", _sample.Shape)}]");
        if (t.Length != x.Dim(0)) throw new ArgumentException($"got {t.Length} timesteps for a batch of {x.Dim(0)}");
        if (!output.Shape.AsSpan().SequenceEqual(_output.Shape))
            throw new ArgumentException($"output shape {output.ShapeText} does not match [{string.Join(", ", _output.Shape)}]");
        Run.SetInput(_sample, x.Data);
        if (_timestep is not null) Run.SetInput(_timestep, t);
        Run.Forward(pool, profile);
        Run.GetOutput(_output, output.Data);
    }

    /// <summary>Back-propagates dL/d(output) [B, out, H, W] of the last <see cref="Forward"/> (training plans).</summary>
    public void Backward(Tensor gradOutput, WorkerPool pool)
    {
        if (!gradOutput.Shape.AsSpan().SequenceEqual(_output.Shape))
            throw new ArgumentException($"output gradient shape {gradOutput.ShapeText} does not match the last forward's output");
        Run.Backward(_output, gradOutput.Data, pool);
    }
}
