namespace StmKernel.Sampling;

/// <summary>How <see cref="TiledRestorer"/> runs; every field has a usable default.</summary>
public sealed record RestoreOptions
{
    /// <summary>Sampler steps K; null takes the model's <see cref="SamplerSettings.DefaultSteps"/>.</summary>
    public int? Steps { get; init; }

    /// <summary>Tile side T: the training crop, 128.</summary>
    public int TileSize { get; init; } = 128;

    /// <summary>
    /// Minimum overlap O between neighbouring tiles (default 32 = T/4). With T = 128 a 512-pixel axis
    /// needs 5 tiles for any O in 1 … 32 (and exactly 32 px of overlap results), so 32 buys the widest
    /// blend at the lowest tile count: 512² → 25 tiles.
    /// </summary>
    public int Overlap { get; init; } = 32;

    /// <summary>Tiles (× ensemble members) sent to the network per call; capped by <see cref="IDenoiser.MaxBatch"/>.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Seed of the initial noise; member m of an ensemble uses stream m.</summary>
    public ulong Seed { get; init; }

    /// <summary>Ensemble members N (seeds); N ≥ 2 adds the per-pixel standard deviation and the uncertainty report.</summary>
    public int EnsembleSize { get; init; } = 1;

    /// <summary>The rule that flags untrustworthy regions of an ensemble (see docs/uncertainty.md).</summary>
    public UncertaintyRule Uncertainty { get; init; } = new();

    /// <summary>Called after every network batch with (work items done, total); items are tiles × members.</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for values no run can use.</summary>
    public void Validate()
    {
        if (Steps is < 1) throw new ArgumentException($"steps {Steps} must be ≥ 1");
        if (TileSize < 1) throw new ArgumentException($"tile size {TileSize} must be ≥ 1");
        if (Overlap < 0 || Overlap >= TileSize) throw new ArgumentException($"overlap {Overlap} must be in 0 … {TileSize - 1}");
        if (BatchSize < 1) throw new ArgumentException($"batch size {BatchSize} must be ≥ 1");
        if (EnsembleSize < 1) throw new ArgumentException($"ensemble size {EnsembleSize} must be ≥ 1");
        Uncertainty.Validate();
    }
}
