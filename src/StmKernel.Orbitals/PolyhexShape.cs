namespace StmKernel.Orbitals;

/// <summary>
/// A free polyhex: hexagon cells on the honeycomb in axial coordinates (q, r), in the canonical form chosen by
/// <see cref="PolyhexEnumerator"/> (the lexicographically smallest sorted cell list over the 12 lattice symmetries,
/// translated so that the smallest q and r are 0). Build its atoms with <see cref="Molecule.Polyhex"/>.
/// </summary>
/// <param name="Cells">The cells, sorted by (q, r).</param>
/// <param name="HasHole">Whether some empty cell is enclosed (a coronoid, e.g. the ring of six around an empty hexagon).</param>
public sealed record PolyhexShape(IReadOnlyList<(int Q, int R)> Cells, bool HasHole)
{
    /// <summary>The canonical cell list as text, "q,r;q,r;…": equal keys are the same free polyhex.</summary>
    public string Key => string.Join(';', Cells.Select(c => $"{c.Q},{c.R}"));

    /// <summary>The number of hexagons.</summary>
    public int Count => Cells.Count;
}
