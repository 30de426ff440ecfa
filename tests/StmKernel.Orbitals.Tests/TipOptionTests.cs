namespace StmKernel.Orbitals.Tests;

public class TipOptionTests
{
    [Theory]
    [InlineData(0.2, 0.0, 0.4)]
    [InlineData(0.0, 0.7, -0.3)]
    [InlineData(0.26, -0.4, 0.9)]
    public void ATiltedMixedTipMatchesTheMatrixElementsWrittenOut(double tilt, double spz, double axis)
    {
        // One atom, one pixel off-axis: the image must be w_s (ψ + c_z ∂zψ/κ)² + w_p (|cosθ ∂x'ψ + sinθ ∂zψ|² + |cosθ ∂y'ψ + sinθ ∂zψ|²)/κ²,
        // computed here straight from the tail's value and gradient.
        var atom = HuckelSolution.Solve(new Molecule("C", [new Site(SiteKind.Carbon, 0, 0)]));
        var render = new OrbitalRender { Width = 5, Height = 5, PixelSize = 0.8, Height0 = 5.5 };
        var tip = TipModel.CarbonMonoxide with { Tilt = tilt, SpzMix = spz, AxisAngle = axis, PxShare = 1.3, PyShare = 0.6 };
        var image = tip.Image(render.Render(atom, [0], [1.0]));

        double k = render.Kappa, x = (3 - 2) * 0.8, y = (1 - 2) * 0.8; // pixel (row 1, column 3)
        var (v, dx, dy, dz) = PzTail.At(x, y, 5.5, k);
        double c = Math.Cos(axis), s = Math.Sin(axis);
        double dX = c * dx + s * dy, dY = -s * dx + c * dy;
        double mx = Math.Cos(tilt) * dX + Math.Sin(tilt) * dz, my = Math.Cos(tilt) * dY + Math.Sin(tilt) * dz;
        double sChannel = (v + spz * dz / k) * (v + spz * dz / k);
        double expected = tip.Ws * sChannel + tip.Wp * (1.3 * mx * mx + 0.6 * my * my) / (k * k);
        Assert.Equal(expected, image[1 * 5 + 3], 1e-6 * Math.Abs(expected));
    }

    [Fact]
    public void ATiltBreaksTheRingsMirrorSymmetry()
    {
        var atom = HuckelSolution.Solve(new Molecule("C", [new Site(SiteKind.Carbon, 0, 0)]));
        var maps = new OrbitalRender { Width = 41, Height = 41, PixelSize = 0.25, Height0 = 5 }.Render(atom, [0], [1.0]);
        var p = TipModel.SWave with { Ws = 0, Wp = 1, PyShare = 0 };
        float[] straight = p.Image(maps), tilted = (p with { Tilt = 0.25 }).Image(maps);
        int left = 20 * 41 + 12, right = 20 * 41 + 28;
        Assert.Equal(straight[left], straight[right], 1e-6 * straight.Max());
        Assert.True(Math.Abs(tilted[left] - tilted[right]) > 0.05 * tilted.Max(), "a tilted lobe should favour one side");
    }

    [Fact]
    public void AResonancePicksTheNearestLevelAndWeighsADegeneratePairEqually()
    {
        var benzene = HuckelSolution.Solve(Molecule.Acene(1));
        var homo = benzene.LevelOf(benzene.Homo);
        var (orbitals, weights) = StateWeights.Resonance(benzene, homo.Energy, eta: 0.1);
        int a = Array.IndexOf(orbitals, homo.Orbitals[0]), b = Array.IndexOf(orbitals, homo.Orbitals[1]);
        Assert.Equal(1.0, weights[a], 12);
        Assert.Equal(weights[a], weights[b], 12);
        // The lowest level is 2.7 eV away: (0.05)² / (2.7² + 0.05²) = 3.43e-4 of the peak, kept; the LUMO, 5.4 eV away
        // (8.6e-5), is below the 1e-4 cut and dropped.
        Assert.Equal(0.05 * 0.05 / (2.7 * 2.7 + 0.05 * 0.05), weights[Array.IndexOf(orbitals, 0)], 9);
        Assert.DoesNotContain(benzene.Lumo, orbitals);
        var (window, _) = StateWeights.Window(benzene, -3, 0);
        Assert.Equal(homo.Orbitals, window);
        Assert.Throws<ArgumentException>(() => StateWeights.Window(benzene, 0.5, 1.0));
    }
}
