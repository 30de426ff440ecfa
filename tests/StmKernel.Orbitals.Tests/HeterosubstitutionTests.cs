namespace StmKernel.Orbitals.Tests;

public class HeterosubstitutionTests
{
    private static readonly Molecule Coronene = Molecule.Polyhex("coronene", [(0, 0), (1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void AzaPutsNitrogensOnSeparateEdgeCarbons(int count)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var aza = Heterosubstitution.Aza(Coronene, count, seed)!;
            var n = Enumerable.Range(0, aza.Sites.Count).Where(i => aza.Sites[i].Kind == SiteKind.PyridinicN).ToArray();
            Assert.Equal(count, n.Length);
            Assert.All(n, i => Assert.Equal(2, Degree(aza, i)));
            Assert.All(n, i => Assert.DoesNotContain(n, j => aza.Distance[i, j] == 1));
            Assert.Equal(Coronene.PiElectrons, aza.PiElectrons);
            Assert.Equal(GraphHash.Skeleton(Coronene), GraphHash.Skeleton(aza));
        }
    }

    [Fact]
    public void AzaIsFixedBySeedAndVariesWithIt()
    {
        Assert.Equal(Heterosubstitution.Aza(Coronene, 3, 7)!.Name, Heterosubstitution.Aza(Coronene, 3, 7)!.Name);
        Assert.True(Enumerable.Range(0, 10).Select(seed => Heterosubstitution.Aza(Coronene, 3, seed)!.Name).Distinct().Count() > 1);
    }

    [Fact]
    public void AzaGivesNullWhenThereIsNoRoom()
    {
        // Benzene's six carbons hold at most three N with none bonded.
        // Seeds whose first picks leave no third separate site give null too; some seed must find 1,3,5.
        Assert.Contains(Enumerable.Range(0, 20), seed => Heterosubstitution.Aza(Molecule.Acene(1), 3, seed) is not null);
        Assert.Null(Heterosubstitution.Aza(Molecule.Acene(1), 4, 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void BoronNitrogenPairsAreBondedAndKeepTheElectronCount(int pairs)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var bn = Heterosubstitution.BoronNitrogen(Coronene, pairs, seed)!;
            var b = Enumerable.Range(0, bn.Sites.Count).Where(i => bn.Sites[i].Kind == SiteKind.Boron).ToArray();
            var n = Enumerable.Range(0, bn.Sites.Count).Where(i => bn.Sites[i].Kind == SiteKind.PyrrolicN).ToArray();
            Assert.Equal(pairs, b.Length);
            Assert.Equal(pairs, n.Length);
            // Each B has exactly one N neighbour, its partner; no B–B or N–N bonds.
            Assert.All(b, i => Assert.Single(n, j => bn.Distance[i, j] == 1));
            Assert.All(b, i => Assert.DoesNotContain(b, j => bn.Distance[i, j] == 1));
            Assert.All(n, i => Assert.DoesNotContain(n, j => bn.Distance[i, j] == 1));
            Assert.Equal(Coronene.PiElectrons, bn.PiElectrons); // B 0 + N 2 = C 1 + C 1
        }
    }

    private static int Degree(Molecule m, int i) => Enumerable.Range(0, m.Sites.Count).Count(j => m.Distance[i, j] == 1);
}
