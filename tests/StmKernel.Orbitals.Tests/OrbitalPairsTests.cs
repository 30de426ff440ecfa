namespace StmKernel.Orbitals.Tests;

public class OrbitalPairsTests
{
    private static readonly OrbitalRender Grid = new() { Width = 33, Height = 31, PixelSize = 0.6 };

    [Fact]
    public void PairsAreReproducibleAndIndependentOfOrder()
    {
        var m = Molecule.Acene(3);
        var a = OrbitalPairs.Draw(m, seed: 5, index: 7, Grid);
        _ = OrbitalPairs.Draw(m, seed: 5, index: 2, Grid);
        var b = OrbitalPairs.Draw(m, seed: 5, index: 7, Grid);
        Assert.Equal(a.Input, b.Input);
        Assert.Equal(a.Target, b.Target);
        Assert.NotEqual(a.Input, OrbitalPairs.Draw(m, seed: 6, index: 7, Grid).Input);
    }

    [Fact]
    public void TheTargetIsTheSWaveImageOfTheDrawnStateAndTheLevelsStayNearTheGap()
    {
        var m = Molecule.Acene(2);
        for (int i = 0; i < 12; i++)
        {
            var (input, target, p) = OrbitalPairs.Draw(m, seed: 11, index: i, Grid);
            Assert.InRange(p.LevelFromHomo, -2, 3);
            Assert.InRange(p.Height, 4.5, 9);
            Assert.Equal(1f, target.Max(), 6);
            Assert.Equal(Grid.Width * Grid.Height, input.Length);
            // Re-render the target from the recorded parameters: the manifest is enough to reproduce it.
            var s = HuckelSolution.Solve(m, new HuckelParameters { T2 = p.T2, T3 = p.T3 });
            var (orbitals, weights) = StateWeights.Resonance(s, p.Energy, p.Width);
            var maps = (Grid with { Height0 = p.Height, Kappa = p.Kappa, Rotation = p.Rotation, Offset = p.Offset }).Render(s, orbitals, weights);
            var again = TipModel.SWave.Image(maps);
            float max = again.Max();
            for (int k = 0; k < again.Length; k++) Assert.Equal(again[k] / max, target[k], 6);
        }
    }

    [Fact]
    public void APureSTipWithoutDegradationGivesTheTargetBack()
    {
        // Draw until a pair with a pure s tip; its undegraded input would be the target, so input − target is the
        // degradation alone: small where the noise is small.
        var m = Molecule.Acene(2);
        for (int i = 0; i < 200; i++)
        {
            var (input, target, p) = OrbitalPairs.Draw(m, seed: 3, index: i, Grid);
            if (p.Tip.Wp != 0 || p.Tip.Tilt != 0 || p.Blur > 0 || p.FeedbackLag > 0 || p.LineShifts.Any(v => v != 0) || p.LineOffsets > 0) continue;
            double rms = Math.Sqrt(input.Zip(target, (a, b) => (double)(a - b) * (a - b)).Average());
            Assert.InRange(rms, 0.5 * p.Noise, 1.5 * p.Noise + 1e-6);
            return;
        }
        Assert.Fail("no undegraded pure-s pair in 200 draws");
    }
}
