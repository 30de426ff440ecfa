namespace StmKernel.Orbitals.Tests;

public class MoleculeLibraryTests
{
    private static readonly MoleculeLibrary Library = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = 5 });

    [Fact]
    public void NoGraphHashIsInTwoSplitsAndNoSkeletonEither()
    {
        Assert.Equal(Library.Entries.Count, Library.Entries.Select(e => e.GraphHash).Distinct().Count());
        Assert.All(Library.Entries.GroupBy(e => e.GraphHash), g => Assert.Single(g.Select(e => e.Split).Distinct()));
        Assert.All(Library.Entries.GroupBy(e => e.SkeletonHash), g => Assert.Single(g.Select(e => e.Split).Distinct()));
        Assert.All(Library.Entries, e => Assert.Equal(GraphHash.Of(e.Molecule), e.GraphHash));
    }

    [Fact]
    public void HeldOutFamiliesAreAllInTheFamiliesSet()
    {
        string[] held = ["naphthalene", "anthracene", "tetracene", "pentacene", "porphine", "H2Pc", "H2Nc", "PTCDA"];
        foreach (var name in held) Assert.Equal(Split.Families, Assert.Single(Library.Entries, e => e.Molecule.Name == name).Split);
        Assert.All(Library.Entries.Where(e => e.Split != Split.Families), e =>
        {
            Assert.DoesNotContain(e.Molecule.Sites, s => s.Kind is SiteKind.CarbonylO or SiteKind.EtherO);
            // No acene skeleton from naphthalene up (aza- and BN-acenes included) outside the families set.
            Assert.DoesNotContain(e.SkeletonHash, Enumerable.Range(2, 4).Select(n => GraphHash.Skeleton(Molecule.Acene(n))));
        });
        Assert.All(Library.In(Split.Families), e => Assert.NotEqual(MoleculeFamily.None, e.Families));
        // Aza- and BN-variants of the acenes are held out with them.
        Assert.True(Library.In(Split.Families).Count(e => e.Families == MoleculeFamily.Acene && e.Molecule.Sites.Any(s => s.Kind != SiteKind.Carbon)) >= 4 * 5);
        Assert.Equal(MoleculeFamily.None, Assert.Single(Library.Entries, e => e.Molecule.Name == "benzene").Families);
    }

    [Fact]
    public void TheOtherHandBuiltMoleculesAreSplitByHash()
    {
        foreach (var name in new[] { "TCNQ", "azulene", "fluoranthene", "benzene" })
        {
            var entry = Assert.Single(Library.Entries, e => e.Molecule.Name == name);
            Assert.Equal(MoleculeFamily.None, entry.Families);
            Assert.Equal(MoleculeLibrary.SplitOf(entry.SkeletonHash, 0, 0.1, 0.1), entry.Split);
        }
    }

    [Fact]
    public void OnlyClosedShellsWithEvenElectronCountsAreKept()
    {
        Assert.All(Library.Entries, e =>
        {
            var s = HuckelSolution.Solve(e.Molecule);
            Assert.True(s.Energies[s.Lumo] - s.Energies[s.Homo] > 1e-3, $"{e.Molecule.Name}: gap {s.Energies[s.Lumo] - s.Energies[s.Homo]}");
        });
        // Benzenoids up to 5 rings, by hand: even carbon counts are C6; C10; C14 ×2; C16 (pyrene), C18 ×5; C20 ×3
        // (perylene, benzo[a]pyrene, benzo[e]pyrene), C22 ×12 (catacondensed), all Kekuléan: 25. Less [5]helicene (not
        // flat) and the five acenes, which are named: 19 "benzenoid-" entries.
        int benzenoids = Library.Entries.Count(e => e.Molecule.Name.StartsWith("benzenoid-", StringComparison.Ordinal) && e.Molecule.Sites.All(s => s.Kind == SiteKind.Carbon));
        Assert.Equal(19, benzenoids);
        Assert.DoesNotContain(Library.Entries, e => e.Molecule.Sites.Count == 13 && e.Molecule.Sites.All(s => s.Kind == SiteKind.Carbon)); // phenalenyl
    }

    [Fact]
    public void TheSplitIsFixedBySeedAndMovesWithIt()
    {
        var again = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = 5 });
        Assert.Equal(Library.Entries.Select(e => (e.Molecule.Name, e.GraphHash, e.Split)), again.Entries.Select(e => (e.Molecule.Name, e.GraphHash, e.Split)));
        var reseeded = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = 5, SplitSeed = 1 });
        // Same molecules, other splits for some, families unchanged.
        Assert.Equal(Library.Entries.Select(e => e.GraphHash), reseeded.Entries.Select(e => e.GraphHash));
        Assert.Contains(Library.Entries.Zip(reseeded.Entries), p => p.First.Split != p.Second.Split);
        Assert.All(Library.Entries.Zip(reseeded.Entries), p => Assert.Equal(p.First.Split == Split.Families, p.Second.Split == Split.Families));
    }

    [Fact]
    public void SplitSharesFollowTheOptions()
    {
        // 20 000 distinct hashes: shares within 5 binomial standard deviations (≈ 0.011 for 0.1).
        var splits = Enumerable.Range(0, 20000).Select(i => MoleculeLibrary.SplitOf($"{i:x8}", 3, 0.15, 0.1)).ToList();
        Assert.InRange(splits.Count(s => s == Split.Test) / 20000.0, 0.1 - 0.011, 0.1 + 0.011);
        Assert.InRange(splits.Count(s => s == Split.Validation) / 20000.0, 0.15 - 0.013, 0.15 + 0.013);
        Assert.DoesNotContain(Split.Families, splits);
    }

    [Fact]
    public void FlatFiveHeliceneClosesItsFjordAndIsLeftOut()
    {
        // [5]helicene: five cells round an empty one; flat, its two fjord carbons bond and it becomes benzo[ghi]perylene.
        (int, int)[] helicene = [(1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1)];
        var shape = PolyhexEnumerator.Shape(helicene);
        var flat = Molecule.Polyhex("[5]helicene", shape.Cells);
        Assert.False(shape.HasHole);
        Assert.False(MoleculeLibrary.IsFlat(shape, flat));
        Assert.Equal(GraphHash.Of(Molecule.Polyhex("benzo[ghi]perylene", [(0, 0), .. helicene])), GraphHash.Of(flat));
        var chrysene = PolyhexEnumerator.Shape([(0, 0), (1, 0), (1, 1), (2, 1)]);
        Assert.True(MoleculeLibrary.IsFlat(chrysene, Molecule.Polyhex("chrysene", chrysene.Cells)));
    }

    [Fact]
    public void BadSharesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = 1, ValidationShare = 0.6, TestShare = 0.5 }));
    }
}
