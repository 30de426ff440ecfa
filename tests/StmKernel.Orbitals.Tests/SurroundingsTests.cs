using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;

namespace StmKernel.Orbitals.Tests;

/// <summary>Drift, background, standing waves and adsorbates of orbital pairs (<see cref="OrbitalSurroundings"/>).</summary>
public class SurroundingsTests
{
    private static readonly OrbitalRender Grid = new() { Width = 64, Height = 48, PixelSize = 0.5 };

    [Fact]
    public void SurroundingsLeaveTheRestOfThePairAndWarpTheTargetOnly()
    {
        var pentacene = Molecule.Acene(5);
        for (long i = 0; i < 12; i++)
        {
            var (plainIn, plainTarget, plainP) = OrbitalPairs.Draw(pentacene, 3, i, Grid);
            var (input, target, p) = OrbitalPairs.Draw(pentacene, 3, i, Grid, surroundings: true);
            Assert.Null(plainP.Surroundings);
            var env = Assert.IsType<OrbitalSurroundings>(p.Surroundings);
            Assert.Equal(plainP.LineShifts, p.LineShifts);
            Assert.Equal(plainP with { Surroundings = env, LineShifts = p.LineShifts }, p); // same level, tip, height and scan degradations
            // The target is the plain target, drifted: nothing else is added to it.
            Assert.Equal(env.Drift.Apply(new Plane(Grid.Width, Grid.Height, plainTarget)).Data, target);
            if (env.Drift == new AffineWarp(1, 1, 0, 0))
            {
                // Without drift the input is the plain input plus the additive field, exactly.
                var field = env.Field(Grid);
                for (int k = 0; k < input.Length; k++) Assert.Equal(plainIn[k] + field[k], input[k], 5);
            }
        }
    }

    [Fact]
    public void TheStandingWaveHasItsPeriodAndDecays()
    {
        // A scatterer at the field's left edge, on the centre row; no background, no adsorbates.
        var env = new OrbitalSurroundings(new AffineWarp(1, 1, 0, 0), 0, 0, 0.1, 15, (-16, 0), 0, []);
        var grid = Grid with { Width = 129, Height = 9, PixelSize = 0.25 };
        var field = env.Field(grid);
        var row = field.AsSpan(4 * grid.Width, grid.Width).ToArray();
        var maxima = Enumerable.Range(1, row.Length - 2).Where(x => row[x] > row[x - 1] && row[x] >= row[x + 1]).ToArray();
        Assert.True(maxima.Length >= 2, $"{maxima.Length} maxima");
        double period = (maxima[^1] - maxima[0]) * grid.PixelSize / (maxima.Length - 1);
        Assert.InRange(period, 15 * 0.98, 15 * 1.02);
        Assert.True(row[maxima[^1]] < row[maxima[0]], "the ripple must decay away from the scatterer");
        // First maximum at the scatterer (phase 0): r = 0 → 0.1.
        Assert.Equal(0.1, row[0], 3);
    }

    [Fact]
    public void TheBackgroundSlopesAndAdsorbatesSitWhereDrawn()
    {
        var env = new OrbitalSurroundings(new AffineWarp(1, 1, 0, 0), 0.2, -0.1, 0, 15, (0, 0), 0, [(3.0, -2.0, 2.0, 0.5)]);
        var grid = Grid with { Width = 65, Height = 49 };
        var field = env.Field(grid);
        int w = grid.Width, h = grid.Height;
        // Corners: the plane alone (the blob is ≥ 12 Å away), ±slope/2.
        Assert.Equal(-0.1 + 0.05, field[0], 4);
        Assert.Equal(0.1 + 0.05, field[w - 1], 4);
        Assert.Equal(-0.1 - 0.05, field[(h - 1) * w], 4);
        // The blob's peak at (3, −2) Å from the centre: pixel ((w−1)/2 + 6, (h−1)/2 − 4).
        int peak = Array.IndexOf(field, field.Max());
        Assert.Equal(((w - 1) / 2 + 6, (h - 1) / 2 - 4), (peak % w, peak / w));
    }
}
