namespace StmKernel.Orbitals.Tests;

/// <summary>
/// Constant-current topographs against the definition: at the height found, the current (molecule plus substrate)
/// equals the setpoint, recomputed by a fresh constant-height render at exactly that height; bare substrate stays at z₀.
/// </summary>
public class ConstantCurrentTests
{
    private static readonly OrbitalRender Render = new() { Width = 23, Height = 19, PixelSize = 0.4, Height0 = 5.5, Rotation = 0.3 };

    [Theory]
    [InlineData(0.1, 0.15, 0.5)]   // PPSTM's CO tip
    [InlineData(0.3, 1.0, 0.0)]    // s-wave
    [InlineData(0.05, 0.0, 1.0)]   // pure p
    public void TheTopographHoldsTheSetpointCurrent(double share, double ws, double wp)
    {
        var solution = HuckelSolution.Solve(Molecule.Acene(2));
        var level = solution.LevelOf(solution.Homo);
        double[] weights = [.. level.Orbitals.Select(_ => 1.0)];
        var tip = new TipModel { Ws = ws, Wp = wp };
        var feedback = new ConstantCurrent { BackgroundShare = share };
        var z = feedback.Topographs(Render, solution, level.Orbitals, weights, [tip])[0];

        double setpoint = share * tip.Image(Render.Render(solution, level.Orbitals, weights)).Max();
        double twoKappa = 2 * Render.Kappa;
        int checkedPixels = 0;
        for (int p = 0; p < z.Length; p += 7)
        {
            Assert.InRange(z[p], 0f, (float)feedback.Range);
            if (z[p] >= feedback.Range - 1e-6) continue; // clamped: no crossing on the ladder
            // The current at exactly z₀ + z: one render at that height, all pixels, read at p.
            double molecular = tip.Image((Render with { Height0 = Render.Height0 + z[p] }).Render(solution, level.Orbitals, weights))[p];
            double total = Math.Max(molecular, 0) + setpoint * Math.Exp(-twoKappa * z[p]);
            Assert.True(Math.Abs(total / setpoint - 1) < 0.02, $"pixel {p}: current {total:g4} at z0 + {z[p]:0.###} Å, setpoint {setpoint:g4}");
            checkedPixels++;
        }
        Assert.True(checkedPixels > 40, $"only {checkedPixels} pixels were below the ladder's top");
        Assert.True(z.Max() > 0.5, $"the tip should retract over the molecule, max {z.Max()} Å");
    }

    [Fact]
    public void BareSubstrateStaysAtZ0AndTheAtomIsTheHighestPoint()
    {
        // One atom in a wide field: far from it the molecule's current is negligible and the tip stays at z₀.
        var atom = HuckelSolution.Solve(new Molecule("C", [new Site(SiteKind.Carbon, 0, 0)]));
        var render = new OrbitalRender { Width = 41, Height = 41, PixelSize = 0.5, Height0 = 5 };
        var z = new ConstantCurrent { BackgroundShare = 0.1 }.Topographs(render, atom, [0], [1.0], [TipModel.SWave])[0];
        int centre = 20 * 41 + 20;
        Assert.Equal(z.Max(), z[centre]);
        Assert.True(z[0] < 0.01, $"corner height {z[0]} Å above z0");
        // Radially falling: along the centre row, each step outwards is no higher than the one before.
        for (int j = 21; j < 41; j++) Assert.True(z[20 * 41 + j] <= z[20 * 41 + j - 1] + 1e-6, $"column {j}");
    }

    [Fact]
    public void ConstantCurrentPairsAreTopographsAndKeepTheRestOfThePair()
    {
        var molecule = Molecule.Acene(3);
        var grid = new OrbitalRender { Width = 31, Height = 29, PixelSize = 0.5 };
        var (heightInput, heightTarget, heightParams) = OrbitalPairs.Draw(molecule, 4, 2, grid);
        var (input, target, p) = OrbitalPairs.Draw(molecule, 4, 2, grid, constantCurrent: new ConstantCurrent());
        Assert.Null(heightParams.ConstantCurrent);
        Assert.NotNull(p.ConstantCurrent);
        Assert.InRange(p.ConstantCurrent!.BackgroundShare, 0.05, 0.3);
        // Same molecule, level, tip and degradations drawn; only the imaging differs.
        Assert.Equal(heightParams.LineShifts, p.LineShifts);
        Assert.Equal(heightParams with { ConstantCurrent = p.ConstantCurrent, LineShifts = p.LineShifts }, p);
        Assert.Equal(1f, target.Max(), 5);
        Assert.NotEqual(heightTarget, target);
        Assert.NotEqual(heightInput, input);
        Assert.True(target.Min() >= 0, "a topograph's target is a height above z0");
    }

    [Fact]
    public void BadSettingsAreRefused()
    {
        var solution = HuckelSolution.Solve(Molecule.Acene(1));
        Assert.Throws<ArgumentException>(() => new ConstantCurrent { BackgroundShare = 0 }.Topographs(Render, solution, [0], [1.0], [TipModel.SWave]));
        Assert.Throws<ArgumentException>(() => new ConstantCurrent { Step = 4 }.Topographs(Render, solution, [0], [1.0], [TipModel.SWave]));
    }
}
