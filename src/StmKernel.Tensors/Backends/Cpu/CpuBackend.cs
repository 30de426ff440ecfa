using System.Runtime.CompilerServices;
using StmKernel.Tensors.Graph;

namespace StmKernel.Tensors.Backends.Cpu;

/// <summary>
/// The CPU backend: today's SIMD kernels on activations in NCHW16c with a zero halo (<see cref="BlockedTensor"/>),
/// Winograd or direct convolutions (<see cref="Kernels.ConvPackings"/>), threads from a <see cref="Threading.WorkerPool"/>.
/// None of that is visible through <see cref="IComputeBackend"/>. Trimming- and AOT-safe (no reflection).
/// </summary>
/// <remarks>
/// Inference plans keep a Winograd layer's transformed weights (4× its 3×3 weights for F(4×4)) only where
/// re-transforming them before every run would cost more than about 2 % of the layer: below
/// <see cref="StreamMinTiles"/> output tiles per run. Wider runs transform into one shared scratch
/// (<see cref="Kernels.WinogradScratch"/>). <see cref="LowMemory"/> streams every layer.
/// </remarks>
public sealed class CpuBackend : IComputeBackend
{
    /// <summary>
    /// Output tiles (batch × Winograd tiles per image) from which an inference layer streams its transformed weights.
    /// Measured (Small U-Net, AVX-512, one thread): the transforms of all its Winograd layers take 6.3–7.5 ms per
    /// forward, 80 % of it for the 128-channel layers (their share of the weights), which run at 32² for a 128² input
    /// (64 F(4×4) tiles at batch 1) and take about a third of the 96 ms forward: ~17 % there, so about 1100 / tiles %
    /// of a layer's time, ≤ 2 % from 512 tiles (batch 8).
    /// </summary>
    public const int StreamMinTiles = 512;

    private readonly int _streamMinTiles;

    // Packed weights per parameter store, shared by all plans of that store.
    private readonly ConditionalWeakTable<IParameterStore, CpuWeights> _weights = new();

    private CpuBackend(int streamMinTiles, string name) => (_streamMinTiles, Name) = (streamMinTiles, name);

    /// <summary>The shared instance (the backend holds no state but the packed weights of each store).</summary>
    public static CpuBackend Instance { get; } = new(StreamMinTiles, "cpu");

    /// <summary>
    /// The same kernels keeping no transformed Winograd weights at all: about 45 MB less for the Small U-Net, for
    /// the transforms' 7 ms per forward (a batch-1 128² forward 4–10 % slower, min 96.3 against 92.5 ms; under 1 % at
    /// batch 8). Results are bit-identical.
    /// </summary>
    public static CpuBackend LowMemory { get; } = new(0, "cpu-low-memory");

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IGraphExecutable Compile(ComputeGraph graph, IParameterStore parameters, bool training)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parameters);
        var weights = _weights.GetValue(parameters, s => new CpuWeights(s));
        return new CpuExecutable(graph, weights, training, _streamMinTiles);
    }
}
