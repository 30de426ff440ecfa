using StmKernel.Tensors.Graph;
using StmKernel.UNet.Modules;

namespace StmKernel.UNet.Networks;

/// <summary>The graph of one network for one input shape, with the values a caller sets and reads.</summary>
/// <param name="Graph">The ops, in execution order.</param>
/// <param name="Sample">Input "sample" [B, in, H, W].</param>
/// <param name="Timestep">Input "timestep" [B]; null for a network without a time input.</param>
/// <param name="Output">The output [B, out, H, W].</param>
public sealed record NetworkGraph(ComputeGraph Graph, GraphValue Sample, GraphValue? Timestep, GraphValue Output);

/// <summary>
/// The root of a network family's module tree: named children and parameters (<see cref="Module"/>), plus the forward
/// for one input shape written as a graph that every backend compiles (inference and training).
/// </summary>
public abstract class NetworkModule : Module
{
    /// <summary>The architecture this tree was declared from.</summary>
    public abstract INetworkConfig Config { get; }

    /// <summary>The forward for a batch of <paramref name="batch"/> inputs of <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <exception cref="ArgumentException">The batch is empty or H, W are not positive multiples of <see cref="INetworkConfig.SpatialMultiple"/>.</exception>
    public NetworkGraph Build(int batch, int height, int width)
    {
        int m = Config.SpatialMultiple;
        if (batch < 1 || height < m || width < m || height % m != 0 || width % m != 0)
            throw new ArgumentException($"input [{batch}, {Config.InChannels}, {height}, {width}]: batch must be ≥ 1 and H, W positive multiples of {m}");
        var g = new GraphBuilder();
        var sample = g.Input("sample", batch, Config.InChannels, height, width);
        var timestep = Config.TakesTimestep ? g.Input("timestep", batch) : null;
        var output = Forward(g, sample, timestep);
        return new NetworkGraph(g.Build(output), sample, timestep, output);
    }

    /// <summary>Writes the forward: <paramref name="timestep"/> is null exactly when the config takes no timestep.</summary>
    protected abstract GraphValue Forward(GraphBuilder g, GraphValue sample, GraphValue? timestep);
}
