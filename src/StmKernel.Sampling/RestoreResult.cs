using StmKernel.Tensors;

namespace StmKernel.Sampling;

/// <summary>What a restoration produced, in the input's physical units and size.</summary>
public sealed class RestoreResult
{
    /// <summary>The restored image [H, W] (the ensemble mean when N ≥ 2); NaN where the input was missing.</summary>
    public required Tensor Image { get; init; }

    /// <summary>Per-pixel sample standard deviation over the N members [H, W]; null when N = 1.</summary>
    public Tensor? StdDev { get; init; }

    /// <summary>The untrustworthy regions of an ensemble; null when N = 1.</summary>
    public UncertaintyReport? Uncertainty { get; init; }

    /// <summary>The tiling used.</summary>
    public required TileGrid Grid { get; init; }

    /// <summary>Sampler steps K used.</summary>
    public int Steps { get; init; }

    /// <summary>Ensemble members N.</summary>
    public int EnsembleSize { get; init; }

    /// <summary>Network evaluations (samples through the network): tiles × N × evaluations per sample.</summary>
    public long NetworkEvaluations { get; init; }

    /// <summary>Batched network calls made.</summary>
    public long BatchedCalls { get; init; }

    /// <summary>Where the restore's wall time went.</summary>
    public required RestoreTimings Timings { get; init; }
}
