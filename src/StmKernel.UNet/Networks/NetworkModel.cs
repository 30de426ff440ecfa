using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Threading;

namespace StmKernel.UNet.Networks;

/// <summary>
/// A network of any registered family (<see cref="NetworkFamilies"/>; e.g. diffusers' <c>UNet2DModel</c>) for inference:
/// Forward(x [B, in, H, W], t [B]) → [B, out, H, W] for H and W multiples of the config's spatial multiple. The module
/// tree (<see cref="INetworkConfig.CreateTree"/>) writes the forward as a graph; a backend (<see cref="CpuBackend"/> by
/// default) plans and runs it.
/// </summary>
/// <remarks>
/// The first forward at a new (B, H, W) builds and plans the graph — buffers with planned lifetimes and one kernel
/// per op — which later calls of that shape reuse (the three most recent shapes are kept), so the steady state
/// allocates nothing but the returned tensor. Packed weights are shared by all plans. Not thread-safe: one forward
/// at a time.
/// </remarks>
public sealed class NetworkModel : INetwork
{
    private readonly NetworkModule _tree;
    private readonly IParameterStore _store;
    private readonly IComputeBackend _backend;
    // Plans by input shape, most recent first; a few are kept so a tiled restore that alternates
    // full batches and one smaller last batch does not rebuild.
    private readonly List<NetworkPlan> _plans = new();
    private const int MaxCachedPlans = 3;

    /// <summary>Builds the model from parameters keyed by diffusers name (PyTorch layouts, float32).</summary>
    /// <exception cref="InvalidDataException">A parameter is missing, extra or of the wrong size.</exception>
    public NetworkModel(INetworkConfig config, IReadOnlyDictionary<string, float[]> parameters, IComputeBackend? backend = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _tree = config.CreateTree();
        ParameterList.Check([.. _tree.ParameterSpecs()], parameters);
        _store = new ValueStore(parameters);
        _backend = backend ?? CpuBackend.Instance;
    }

    /// <summary>Builds the model from a loaded weight file (safetensors or .stmw).</summary>
    public static NetworkModel FromWeights(Weights.WeightSet weights, IComputeBackend? backend = null) =>
        new(weights.Config, weights.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Data), backend);

    /// <inheritdoc />
    public INetworkConfig Config => _tree.Config;

    /// <summary>Runs the network: x [B, in, H, W], t [B] (raw timestep values; ignored without a time input) → a new [B, out, H, W] tensor.</summary>
    public Tensor Forward(Tensor x, ReadOnlySpan<float> t, WorkerPool pool)
    {
        var y = new Tensor(x.Dim(0), Config.OutChannels, x.Dim(2), x.Dim(3));
        Forward(x, t, y, pool);
        return y;
    }

    /// <inheritdoc />
    public void Forward(Tensor x, ReadOnlySpan<float> t, Tensor output, WorkerPool pool, LayerProfile? profile = null) =>
        PlanFor(x).Forward(x, t, output, pool, profile is null ? null : profile.Record);

    /// <summary>Floating-point operations of one forward at this shape (convolutions, linears, attention).</summary>
    public double Flops(int batch, int height, int width) =>
        PlanFor(new Tensor(batch, Config.InChannels, height, width)).Run.Steps.Sum(s => s.Flops);

    /// <summary>Bytes of activation buffers planned for this shape.</summary>
    public long ActivationBytes(int batch, int height, int width) =>
        PlanFor(new Tensor(batch, Config.InChannels, height, width)).Run.PlannedBytes;

    private NetworkPlan PlanFor(Tensor x)
    {
        int found = _plans.FindIndex(p => p.Fits(x));
        var plan = found >= 0 ? _plans[found] : NetworkPlan.Compile(_tree, x, _backend, _store, training: false);
        if (found >= 0) _plans.RemoveAt(found);
        _plans.Insert(0, plan);
        if (_plans.Count > MaxCachedPlans) _plans.RemoveAt(_plans.Count - 1);
        return plan;
    }
}
