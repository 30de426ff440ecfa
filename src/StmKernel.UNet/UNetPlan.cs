using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Modules;

namespace StmKernel.UNet;

/// <summary>
/// The U-Net graph (<see cref="UNet2D.Build"/>) compiled by a backend for one input shape, with the graph values it
/// reads and writes: what both the inference model and the training graph run, so the call sequence lives once.
/// </summary>
public sealed class UNetPlan
{
    private readonly GraphValue _sample, _timestep, _output;

    private UNetPlan(IGraphExecutable run, GraphValue sample, GraphValue timestep, GraphValue output)
    {
        Run = run;
        (_sample, _timestep, _output) = (sample, timestep, output);
    }

    /// <summary>Builds <paramref name="tree"/>'s graph for x's shape [B, in, H, W] and compiles it on <paramref name="backend"/>.</summary>
    /// <exception cref="ArgumentException">x is not [B, in, H, W] with H, W multiples of 2^(levels−1).</exception>
    public static UNetPlan Compile(UNet2D tree, Tensor x, IComputeBackend backend, IParameterStore parameters, bool training)
    {
        if (x.Rank != 4 || x.Dim(1) != tree.Config.InChannels)
            throw new ArgumentException($"input must be [B, {tree.Config.InChannels}, H, W], got {x.ShapeText}");
        var (graph, sample, timestep, output) = tree.Build(x.Dim(0), x.Dim(2), x.Dim(3));
        return new UNetPlan(backend.Compile(graph, parameters, training), sample, timestep, output);
    }

    /// <summary>The backend's plan (steps, planned bytes, parameter refresh).</summary>
    public IGraphExecutable Run { get; }

    /// <summary>True when the plan was compiled for inputs of x's shape.</summary>
    public bool Fits(Tensor x) => _sample.Shape.AsSpan().SequenceEqual(x.Shape);

    /// <summary>Runs x [B, in, H, W] at timesteps t [B] into <paramref name="output"/> [B, out, H, W].</summary>
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor output, WorkerPool pool, Action<PlanStep, TimeSpan>? profile = null)
    {
        if (!Fits(x)) throw new ArgumentException($"input {x.ShapeText} does not match the plan's [{string.Join(", ", _sample.Shape)}]");
        if (t.Length != x.Dim(0)) throw new ArgumentException($"got {t.Length} timesteps for a batch of {x.Dim(0)}");
        if (!output.Shape.AsSpan().SequenceEqual(_output.Shape))
            throw new ArgumentException($"output shape {output.ShapeText} does not match [{string.Join(", ", _output.Shape)}]");
        Run.SetInput(_sample, x.Data);
        Run.SetInput(_timestep, t);
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
