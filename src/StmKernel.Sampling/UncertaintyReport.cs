namespace StmKernel.Sampling;

/// <summary>A connected group of flagged cells, as a pixel rectangle.</summary>
/// <param name="X">Left column.</param>
/// <param name="Y">Top row.</param>
/// <param name="Width">Columns covered.</param>
/// <param name="Height">Rows covered.</param>
/// <param name="Cells">Flagged cells in the group.</param>
/// <param name="MaxDisagreement">The largest R = D/(A + D) in the group.</param>
public sealed record FlaggedRegion(int X, int Y, int Width, int Height, int Cells, double MaxDisagreement);

/// <summary>The outcome of <see cref="UncertaintyMap"/>.</summary>
public sealed class UncertaintyReport
{
    /// <summary>Cells per row.</summary>
    public required int CellsX { get; init; }

    /// <summary>Cells per column.</summary>
    public required int CellsY { get; init; }

    /// <summary>R = D/(A + D) per cell, row-major (0 for cells without finite pixels).</summary>
    public required float[] Disagreement { get; init; }

    /// <summary>Whether each cell is flagged, row-major.</summary>
    public required bool[] FlaggedCells { get; init; }

    /// <summary>Connected (4-neighbour) groups of flagged cells, largest first.</summary>
    public required IReadOnlyList<FlaggedRegion> Regions { get; init; }

    /// <summary>Flagged pixels / finite pixels.</summary>
    public required double FlaggedFraction { get; init; }

    /// <summary>True when any region is flagged: the result should not be trusted there (abstain, re-acquire).</summary>
    public bool ShouldWarn => Regions.Count > 0;
}
