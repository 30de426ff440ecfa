namespace StmKernel.Orbitals.Tests;

public class TipImageTests
{
    private static readonly double Kappa = PzTail.Kappa(4.5);

    [Theory]
    [InlineData(0.7, -1.3, 5.5)]
    [InlineData(-2.1, 0.4, 4.5)]
    [InlineData(3.3, 2.9, 8.0)]
    public void AnalyticDerivativesEqualFiniteDifferences(double x, double y, double z)
    {
        const double h = 1e-5;
        var (_, dx, dy, dz) = PzTail.At(x, y, z, Kappa);
        double Fd(Func<double, (double, double, double)> shift)
        {
            var (a, b, c) = shift(h);
            var (a2, b2, c2) = shift(-h);
            return (PzTail.At(a, b, c, Kappa).Value - PzTail.At(a2, b2, c2, Kappa).Value) / (2 * h);
        }
        AssertRelative(Fd(e => (x + e, y, z)), dx);
        AssertRelative(Fd(e => (x, y + e, z)), dy);
        AssertRelative(Fd(e => (x, y, z + e)), dz);
    }

    [Fact]
    public void OneAtomGivesAnSBlobAndAPRingWithZeroAtTheCentre()
    {
        var atom = HuckelSolution.Solve(new Molecule("C", [new Site(SiteKind.Carbon, 0, 0)]));
        var render = new OrbitalRender { Width = 41, Height = 41, PixelSize = 0.25, Height0 = 5 };
        var maps = render.Render(atom, [0], [1.0]);
        int centre = 20 * 41 + 20;
        float[] s = TipModel.SWave.Image(maps), p = (TipModel.SWave with { Ws = 0, Wp = 1 }).Image(maps);
        Assert.Equal(s.Max(), s[centre]);                      // the s image peaks above the atom
        Assert.True(p[centre] < 1e-6 * p.Max());                // the p image is zero there (∂ₓφ = ∂ᵧφ = 0 on the axis)
        // ... and is a ring: along a row its maximum is off-centre, at the same distance either side.
        var row = Enumerable.Range(0, 41).Select(j => p[20 * 41 + j]).ToArray();
        int peak = Array.IndexOf(row, row.Max());
        Assert.NotEqual(20, peak);
        Assert.Equal(row[peak], row[40 - peak], 5);
    }

    [Fact]
    public void AnIsotropicTipsImageTurnsWithTheMolecule()
    {
        // A quarter turn of the molecule on an odd square grid maps pixel (i, j) to (j, W−1−i) exactly.
        var s = HuckelSolution.Solve(Molecule.Acene(2));
        var level = s.LevelOf(s.Homo);
        var render = new OrbitalRender { Width = 33, Height = 33, PixelSize = 0.3, Height0 = 6 };
        var a = TipModel.CarbonMonoxide.Image(render.RenderLevel(s, level));
        var b = TipModel.CarbonMonoxide.Image((render with { Rotation = Math.PI / 2 }).RenderLevel(s, level));
        double max = a.Max();
        for (int i = 0; i < 33; i++)
            for (int j = 0; j < 33; j++)
                Assert.True(Math.Abs(a[i * 33 + j] - b[j * 33 + (32 - i)]) <= 1e-5 * max, $"pixel ({i}, {j})");
    }

    [Fact]
    public void ThePShareFallsAsTheTipRises()
    {
        // Gross et al. (PRL 107, 086101, 2011): with a CO tip, orbital images turn from p-like to s-like with distance.
        var s = HuckelSolution.Solve(Molecule.Acene(5));
        var level = s.LevelOf(s.Homo);
        double previous = double.PositiveInfinity;
        foreach (double z in new[] { 4.5, 6.0, 7.5, 9.0 })
        {
            var maps = new OrbitalRender { Width = 48, Height = 24, PixelSize = 0.6, Height0 = z }.RenderLevel(s, level);
            double sSum = TipModel.SWave.Image(maps).Sum(v => (double)v) * TipModel.CarbonMonoxide.Ws;
            double pSum = (TipModel.CarbonMonoxide with { Ws = 0 }).Image(maps).Sum(v => (double)v);
            double share = pSum / (pSum + sSum);
            Assert.True(share < previous, $"p share {share:F3} at z₀ = {z} Å did not fall (was {previous:F3})");
            previous = share;
        }
    }

    [Fact]
    public void ADegenerateLevelsDensityIsTheSameInAnyBasis()
    {
        // Benzene's HOMO is a degenerate pair: turn the pair by a random angle; S and the gradient tensor must not move.
        var s = HuckelSolution.Solve(Molecule.Acene(1));
        var level = s.LevelOf(s.Homo);
        var render = new OrbitalRender { Width = 25, Height = 25, PixelSize = 0.3, Height0 = 5 };
        var before = render.RenderLevel(s, level);
        var (u, v) = (level.Orbitals[0], level.Orbitals[1]);
        double c = Math.Cos(0.83), sn = Math.Sin(0.83);
        for (int a = 0; a < 6; a++)
        {
            double cu = s.Coefficients[a, u], cv = s.Coefficients[a, v];
            s.Coefficients[a, u] = c * cu - sn * cv;
            s.Coefficients[a, v] = sn * cu + c * cv;
        }
        var after = render.RenderLevel(s, level);
        double max = before.S.Max(), gmax = before.Gxx.Max();
        for (int i = 0; i < before.S.Length; i++)
        {
            Assert.Equal(before.S[i], after.S[i], 1e-10 * max);
            Assert.Equal(before.Gxx[i], after.Gxx[i], 1e-10 * gmax);
            Assert.Equal(before.Gxy[i], after.Gxy[i], 1e-10 * gmax);
        }
        // One orbital of the pair alone is not invariant: the test can fail.
        var single = render.Render(s, [u], [1.0]);
        Assert.Contains(Enumerable.Range(0, single.S.Length), i => Math.Abs(single.S[i] * 2 - before.S[i]) > 0.05 * max);
    }

    private static void AssertRelative(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-4 * Math.Max(Math.Abs(expected), 1e-12), $"expected {expected:E6}, got {actual:E6}");
}
