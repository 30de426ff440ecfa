using StmKernel.Imaging;

namespace StmKernel.Sampling.Pipelines;

/// <summary>What <see cref="ScanRestorer.Restore(PreparedScan, Action{int, int}?)"/> produced: the channels to write, on the scan's grid, with their metadata.</summary>
public sealed class RestoredScan
{
    /// <summary>The scan as it was prepared.</summary>
    public required PreparedScan Scan { get; init; }

    /// <summary>The tiled restore at the model's scale (tiles, steps, network evaluations, the ensemble's uncertainty report).</summary>
    public required RestoreResult Result { get; init; }

    /// <summary>"NAME restored": the source's metadata, its physical size, and the run in "Processing".</summary>
    public required StmImage Restored { get; init; }

    /// <summary>"NAME uncertainty (ensemble std)", in the source's unit; null without an ensemble.</summary>
    public StmImage? Uncertainty { get; init; }

    /// <summary>"NAME invented": a score in [0, 1] without unit, flagged above <see cref="InventedMap.FlagThreshold"/>; null without <see cref="ScanRestoreOptions.Check"/>.</summary>
    public StmImage? Invented { get; init; }

    /// <summary>The ensemble's flagged regions in the scan's pixels (they were found at the model's scale); empty without an ensemble.</summary>
    public required IReadOnlyList<FlaggedRegion> UncertainRegions { get; init; }

    /// <summary>The new channels in file order: restored, then uncertainty and invented when present.</summary>
    public IReadOnlyList<StmImage> Channels => new[] { Restored, Uncertainty, Invented }.OfType<StmImage>().ToList();

    /// <summary>The share of pixels the invented map flags; null without it.</summary>
    public double? InventedFraction => Invented is { } map ? map.Data.Count(v => v > InventedMap.FlagThreshold) / (double)map.Data.Length : null;
}
