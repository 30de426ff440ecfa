namespace StmKernel.Orbitals.Tests;

public class PolyhexEnumeratorTests
{
    private static readonly IReadOnlyList<IReadOnlyList<PolyhexShape>> Levels = PolyhexEnumerator.UpTo(8);

    [Fact]
    public void FreePolyhexCountsAreOeisA000228()
    {
        // Free hexagonal animals, holes allowed.
        Assert.Equal([1, 1, 3, 7, 22, 82, 333, 1448], Levels.Select(l => l.Count));
    }

    [Fact]
    public void SimplyConnectedCountsAreTheBenzenoidsOfOeisA018190()
    {
        Assert.Equal([1, 1, 3, 7, 22, 81, 331, 1435], Levels.Select(l => l.Count(s => !s.HasHole)));
    }

    [Fact]
    public void CatacondensedCountsAreOeisA038142()
    {
        // Catacondensed: no inner carbon, i.e. 4h + 2 atoms (every carbon on the perimeter).
        var counts = Levels.Select((l, i) => l.Count(s => !s.HasHole && Molecule.Polyhex("x", s.Cells).Sites.Count == 4 * (i + 1) + 2));
        Assert.Equal([1, 1, 2, 5, 12, 36, 118, 411], counts);
    }

    [Fact]
    public void OrientationsAddUpToTheFixedCountsOfOeisA001207()
    {
        // Each free class stands for 12 / |symmetry group| fixed polyhexes: a wrong canonical form (two keys for one
        // class, or one key for two) breaks these sums.
        Assert.Equal([1, 3, 11, 44, 186, 814, 3652, 16689], Levels.Select(l => l.Sum(PolyhexEnumerator.Orientations)));
    }

    [Fact]
    public void FourHexagonBenzenoidsAreFiveC18H12PyreneAndARadical()
    {
        // Tetracene, benz[a]anthracene, chrysene, benzo[c]phenanthrene, triphenylene (C18); pyrene (C16); the
        // phenalenyl + 1 ring radical (C17).
        var sizes = Levels[3].Select(s => Molecule.Polyhex("x", s.Cells).Sites.Count).Order();
        Assert.Equal([16, 17, 18, 18, 18, 18, 18], sizes);
    }

    [Fact]
    public void TheSixRingWithAHoleIsTheOnlyCoronoidOfSixCells()
    {
        var ring = Assert.Single(Levels[5], s => s.HasHole);
        // The six neighbours of (0, 0) without (0, 0).
        var expected = PolyhexEnumerator.Shape([(1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)]);
        Assert.Equal(expected.Key, ring.Key);
        Assert.Equal(1, PolyhexEnumerator.Orientations(ring)); // D6h: one fixed orientation
    }

    [Fact]
    public void TheShapeIsTheSameFromAnyPlaceAndTurn()
    {
        (int, int)[] phenanthrene = [(0, 0), (1, 0), (1, 1)];
        (int, int)[] moved = [(5, -3), (5, -2), (4, -1)]; // turned, mirrored and moved
        Assert.Equal(PolyhexEnumerator.Shape(phenanthrene).Key, PolyhexEnumerator.Shape(moved).Key);
        Assert.NotEqual(PolyhexEnumerator.Shape(phenanthrene).Key, PolyhexEnumerator.Shape([(0, 0), (1, 0), (2, 0)]).Key);
    }

    [Fact]
    public void DisconnectedOrRepeatedCellsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => PolyhexEnumerator.Shape([(0, 0), (2, 0)]));
        Assert.Throws<ArgumentException>(() => PolyhexEnumerator.Shape([(0, 0), (0, 0)]));
    }
}
