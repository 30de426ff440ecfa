namespace StmKernel.Orbitals.Tests;

public class GraphHashTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RenumberedTurnedMirroredAndMovedMoleculesHashAlike(int seed)
    {
        var random = new Random(seed);
        foreach (var molecule in new[] { Porphyrinoids.Naphthalocyanine(), NamedMolecules.Ptcda(), Heterosubstitution.Aza(Molecule.Acene(4), 3, seed)! })
        {
            double angle = random.NextDouble() * 2 * Math.PI, dx = random.NextDouble() * 10 - 5, mirror = random.Next(2) == 0 ? 1 : -1;
            var order = Enumerable.Range(0, molecule.Sites.Count).ToArray();
            random.Shuffle(order);
            var moved = new Molecule("moved", [.. order.Select(i => molecule.Sites[i]).Select(s => s with
            {
                X = Math.Cos(angle) * s.X - Math.Sin(angle) * mirror * s.Y + dx,
                Y = Math.Sin(angle) * s.X + Math.Cos(angle) * mirror * s.Y - 2 * dx,
            })]);
            Assert.Equal(GraphHash.Of(molecule), GraphHash.Of(moved));
        }
    }

    [Fact]
    public void AnthraceneAndPhenanthreneDiffer()
    {
        var anthracene = Molecule.Polyhex("anthracene", [(0, 0), (1, 0), (2, 0)]);
        var phenanthrene = Molecule.Polyhex("phenanthrene", [(0, 0), (1, 0), (1, 1)]);
        Assert.Equal(anthracene.Sites.Count, phenanthrene.Sites.Count); // both C14H10
        Assert.NotEqual(GraphHash.Of(anthracene), GraphHash.Of(phenanthrene));
    }

    [Fact]
    public void TheFiveC18H12BenzenoidsHaveFiveHashes()
    {
        var c18 = PolyhexEnumerator.UpTo(4)[3].Select(s => Molecule.Polyhex("x", s.Cells)).Where(m => m.Sites.Count == 18).ToList();
        Assert.Equal(5, c18.Count);
        Assert.Equal(5, c18.Select(GraphHash.Of).Distinct().Count());
    }

    [Fact]
    public void ColourRefinementTiesAreBrokenExactly()
    {
        // A hexagon and two triangles: both 2-regular with six vertices, so plain colour refinement gives every vertex
        // one colour in both; only the individualisation step tells them apart.
        var hexagon = new Molecule("hexagon", [.. Enumerable.Range(0, 6).Select(k => Corner(k, 6, 1.4, 0))]);
        var triangles = new Molecule("triangles", [.. Enumerable.Range(0, 3).Select(k => Corner(k, 3, 1.4, 0)), .. Enumerable.Range(0, 3).Select(k => Corner(k, 3, 1.4, 5))]);
        Assert.NotEqual(GraphHash.Of(hexagon), GraphHash.Of(triangles));
    }

    [Fact]
    public void KindsCountButOnlyUpToSymmetry()
    {
        // Naphthalene's positions 1, 4, 5, 8 are equivalent and 2, 3, 6, 7 are another class: quinoline ≠ isoquinoline,
        // but N at 1 or at 4 is one molecule.
        var naphthalene = Molecule.Acene(2);
        var alpha = AlphaPositions(naphthalene);
        var beta = Enumerable.Range(0, 10).Where(i => Degree(naphthalene, i) == 2).Except(alpha).ToArray();
        Assert.Equal(4, alpha.Length);
        Assert.Equal(4, beta.Length);
        var quinolines = alpha.Select(i => GraphHash.Of(WithN(naphthalene, i))).Distinct().ToList();
        var isoquinolines = beta.Select(i => GraphHash.Of(WithN(naphthalene, i))).Distinct().ToList();
        Assert.Single(quinolines);
        Assert.Single(isoquinolines);
        Assert.NotEqual(quinolines[0], isoquinolines[0]);
        Assert.NotEqual(GraphHash.Of(naphthalene), quinolines[0]);
        Assert.Equal(GraphHash.Skeleton(naphthalene), GraphHash.Skeleton(WithN(naphthalene, alpha[0])));
    }

    [Fact]
    public void TheSixRingAroundAHoleHasCoronenesGraph()
    {
        // Its six cells already hold every atom of the empty centre cell, so its atoms are coronene's: the reason the
        // library leaves coronoids out.
        var ring = Molecule.Polyhex("ring", [(1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)]);
        var coronene = Molecule.Polyhex("coronene", [(0, 0), (1, 0), (1, -1), (0, -1), (-1, 0), (-1, 1), (0, 1)]);
        Assert.Equal(24, ring.Sites.Count);
        Assert.Equal(GraphHash.Of(coronene), GraphHash.Of(ring));
    }

    private static Site Corner(int k, int n, double side, double x0)
    {
        double r = side / (2 * Math.Sin(Math.PI / n)), t = 2 * Math.PI * k / n;
        return new Site(SiteKind.Carbon, x0 + r * Math.Cos(t), r * Math.Sin(t));
    }

    private static int Degree(Molecule m, int i) => Enumerable.Range(0, m.Sites.Count).Count(j => m.Distance[i, j] == 1);

    // α positions: edge carbons bonded to a fusion carbon.
    private static int[] AlphaPositions(Molecule m) =>
        [.. Enumerable.Range(0, m.Sites.Count).Where(i => Degree(m, i) == 2 && Enumerable.Range(0, m.Sites.Count).Any(j => m.Distance[i, j] == 1 && Degree(m, j) == 3))];

    private static Molecule WithN(Molecule m, int i) =>
        new(m.Name + "-N", [.. m.Sites.Select((s, j) => j == i ? s with { Kind = SiteKind.PyridinicN } : s)]);
}
