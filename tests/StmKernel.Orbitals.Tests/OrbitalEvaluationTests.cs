using StmKernel.Imaging.Metrics;
using StmKernel.Orbitals.Evaluation;

namespace StmKernel.Orbitals.Tests;

/// <summary>The orbital eval's scoring (best affine map) and its per-molecule bootstrap, on hand-computed cases.</summary>
public class OrbitalEvaluationTests
{
    private static float[] Ramp(int n, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (float)r.NextDouble())];
    }

    [Fact]
    public void AnAffineCopyScoresPerfectAndTheFitIsLeastSquares()
    {
        const int w = 13, h = 11;
        var target = Ramp(w * h, 3);
        var copy = target.Select(t => -2.5f * t + 7).ToArray();
        var (psnr, ssim) = AffineScore.Of(target, copy, w, h);
        Assert.True(psnr > 100, $"PSNR {psnr}");
        Assert.Equal(1, ssim, 5);

        // Hand case: target [0, 1, 2, 3], output [0, 0, 1, 1] → a = cov/var = 2, b = 0.5 (mean 1.5 − 2·0.5).
        var fitted = AffineScore.Fit([0, 1, 2, 3], [0, 0, 1, 1]);
        Assert.Equal([0.5f, 0.5f, 2.5f, 2.5f], fitted);
        // A constant output carries no shape: it maps to the target's mean.
        Assert.Equal([1.5f, 1.5f, 1.5f, 1.5f], AffineScore.Fit([0, 1, 2, 3], [4, 4, 4, 4]));

        // The score is the plain metric of the fitted image, data range 1.
        var noisy = Ramp(w * h, 4);
        var (p2, s2) = AffineScore.Of(target, noisy, w, h);
        var f2 = AffineScore.Fit(target, noisy);
        Assert.Equal(Psnr.Compute(target, f2, 1), p2, 10);
        Assert.Equal(Ssim.Compute(target, f2, w, h, 1), s2, 10);
        Assert.Throws<ArgumentException>(() => AffineScore.Of(target, noisy.AsSpan(1).ToArray(), w, h));
    }

    [Fact]
    public void TheBootstrapAveragesEachMoleculeFirst()
    {
        // Molecule a drawn three times at 1, b once at 3: the mean over molecules is 2, not the pairs' 1.5.
        var (mean, low, high, molecules) = MoleculeBootstrap.Interval([1, 1, 1, 3], ["a", "a", "a", "b"], resamples: 4000);
        Assert.Equal(2, mean, 12);
        Assert.Equal(2, molecules);
        // Resampling two molecules: the bootstrap means are 1, 2 or 3 (probabilities ¼, ½, ¼), so the 95 % interval is [1, 3].
        Assert.Equal(1, low, 12);
        Assert.Equal(3, high, 12);

        // Equal values: a degenerate interval; many molecules of spread σ: the half-width near 1.96 σ/√n.
        var flat = MoleculeBootstrap.Interval([0.2, 0.2, 0.2], ["x", "y", "z"]);
        Assert.Equal((0.2, 0.2), (Math.Round(flat.Low, 12), Math.Round(flat.High, 12)));
        var r = new Random(9);
        double[] v = [.. Enumerable.Range(0, 400).Select(_ => r.NextDouble() < 0.5 ? -1.0 : 1.0)];
        var wide = MoleculeBootstrap.Interval(v, [.. Enumerable.Range(0, 400).Select(i => $"m{i}")], resamples: 4000, seed: 3);
        double sd = Math.Sqrt(v.Select(x => (x - v.Average()) * (x - v.Average())).Average());
        Assert.InRange((wide.High - wide.Low) / 2, 0.9 * 1.96 * sd / 20, 1.1 * 1.96 * sd / 20);
        Assert.Throws<ArgumentException>(() => MoleculeBootstrap.Interval([1.0], ["a", "b"]));
    }

    [Fact]
    public void ThePairSamplerRedrawsAnyPairAloneAndKeepsToItsSplit()
    {
        var library = MoleculeLibrary.Build(new LibraryOptions { MaxHexagons = 3 });
        var grid = new OrbitalRender { Width = 24, Height = 24, PixelSize = 1 };
        var a = new OrbitalPairSampler(library, Split.Test, 8, grid);
        var b = new OrbitalPairSampler(library, Split.Test, 8, grid);
        var p5 = a.Draw(5);
        _ = b.Draw(0);
        var q5 = b.Draw(5);
        Assert.Equal(p5.Input, q5.Input);
        Assert.Equal(p5.Target, q5.Target);
        var test = library.In(Split.Test).Select(e => e.GraphHash).ToHashSet();
        for (int i = 0; i < 12; i++) Assert.Contains(a.Draw(i).Entry.GraphHash, test);
        Assert.NotEqual(p5.Input, new OrbitalPairSampler(library, Split.Test, 9, grid).Draw(5).Input);
    }
}
