using System.Runtime.CompilerServices;
using StmKernel.Tensors.Graph;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// The CPU backend: today's SIMD kernels on activations in NCHW16c with a zero halo (<see cref="BlockedTensor"/>),
/// Winograd or direct convolutions (<see cref="Kernels.ConvPackings"/>), threads from a <see cref="Threading.WorkerPool"/>.
/// None of that is visible through <see cref="IComputeBackend"/>. Trimming- and AOT-safe (no reflection).
/// </summary>
public sealed class CpuBackend : IComputeBackend
{
    // Packed weights per parameter store, shared by all plans of that store.
    private readonly ConditionalWeakTable<IParameterStore, CpuWeights> _weights = new();

    /// <summary>The shared instance (the backend holds no state but the packed weights of each store).</summary>
    public static CpuBackend Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "cpu";

    /// <inheritdoc />
    public IGraphExecutable Compile(ComputeGraph graph, IParameterStore parameters, bool training)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parameters);
        var weights = _weights.GetValue(parameters, s => new CpuWeights(s));
        return new CpuExecutable(graph, weights, training);
    }
}
