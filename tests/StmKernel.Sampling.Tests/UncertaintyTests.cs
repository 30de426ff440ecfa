using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class UncertaintyTests
{
    /// <summary>
    /// Members = shared structure S (variance P) + independent per-member deviations (variance Q(x)).
    /// Then R = D/(A + D) estimates Q/P' where P' = P + Q is the total: left half Q = 0.25 P (R ≈ 0.2),
    /// right half Q = 3 P (R ≈ 0.75).
    /// </summary>
    private static List<float[]> SplitEnsemble(int h, int w, int n, double leftRatio, double rightRatio, ulong seed = 1)
    {
        var g = new GaussianNoise(seed);
        var structure = new double[h * w];
        for (int i = 0; i < structure.Length; i++) structure[i] = 2 + g.NextGaussian();
        var members = new List<float[]>();
        for (int m = 0; m < n; m++)
        {
            var img = new float[h * w];
            for (int i = 0; i < img.Length; i++)
            {
                double q = i % w < w / 2 ? leftRatio : rightRatio;
                img[i] = (float)(structure[i] + Math.Sqrt(q) * g.NextGaussian());
            }
            members.Add(img);
        }
        return members;
    }

    [Fact]
    public void FlagsExactlyTheHalfWhereSeedsDisagreeMoreThanTheyAgree()
    {
        int h = 96, w = 128;
        var report = UncertaintyMap.Assess(SplitEnsemble(h, w, 6, 0.25, 3), h, w, new UncertaintyRule());
        Assert.Equal(8, report.CellsX);
        Assert.Equal(6, report.CellsY);
        for (int j = 0; j < 6; j++)
            for (int i = 0; i < 8; i++)
            {
                int c = j * 8 + i;
                Assert.Equal(i >= 4, report.FlaggedCells[c]);
                Assert.InRange(report.Disagreement[c], i >= 4 ? 0.6f : 0.1f, i >= 4 ? 0.9f : 0.3f);
            }
        var region = Assert.Single(report.Regions);
        Assert.Equal(new FlaggedRegion(64, 0, 64, 96, 24, region.MaxDisagreement), region);
        Assert.Equal(0.5, report.FlaggedFraction, 1e-12);
        Assert.True(report.ShouldWarn);
    }

    [Fact]
    public void FewMembersAreCorrectedForTheNoiseLeftInTheirMean()
    {
        // No shared structure at all (pure hallucination): with N = 2 the raw mean still varies by D/2,
        // which uncorrected would give R ≈ 2/3; corrected, R must be close to one.
        int h = 64, w = 64;
        var report = UncertaintyMap.Assess(SplitEnsemble(h, w, 2, 1e6, 1e6), h, w, new UncertaintyRule());
        Assert.All(report.Disagreement, r => Assert.True(r > 0.85f, $"R = {r}"));
        Assert.All(report.FlaggedCells, Assert.True);
    }

    [Fact]
    public void SmallSpreadOnAFlatAreaIsNotFlagged()
    {
        // Left half: strong agreed structure sets the image range; right half flat, with a disagreement far
        // below 2 % of that range: R is high there but the spread is negligible.
        int h = 32, w = 64;
        var g = new GaussianNoise(3);
        var structure = new double[h * w];
        for (int i = 0; i < structure.Length; i++) structure[i] = i % w < w / 2 ? 10 * g.NextGaussian() : 0;
        var members = Enumerable.Range(0, 4).Select(_ => structure.Select(s => (float)(s + 0.01 * g.NextGaussian())).ToArray()).ToList();
        var report = UncertaintyMap.Assess(members, h, w, new UncertaintyRule());
        Assert.False(report.ShouldWarn);
        Assert.True(report.Disagreement[report.CellsX - 1] > 0.9f);
    }

    [Fact]
    public void NaNPixelsAreIgnored()
    {
        int h = 32, w = 32;
        var members = SplitEnsemble(h, w, 4, 0.01, 0.01);
        foreach (var m in members)
            for (int i = 0; i < 16 * w; i++) m[i] = float.NaN;
        var report = UncertaintyMap.Assess(members, h, w, new UncertaintyRule());
        Assert.False(report.ShouldWarn);
        Assert.Equal(0f, report.Disagreement[0]);
        Assert.Equal(0, report.FlaggedFraction);
    }

    [Fact]
    public void MeanAndStdDevMatchAHandComputedPixel()
    {
        var (mean, std) = EnsembleStatistics.MeanAndStdDev([[1f, float.NaN], [2f, 0f], [6f, 0f]]);
        Assert.Equal(3f, mean[0]);
        Assert.Equal((float)Math.Sqrt(((1 - 3) * (1 - 3) + (2 - 3) * (2 - 3) + (6 - 3) * (6 - 3)) / 2.0), std![0]);
        Assert.True(float.IsNaN(mean[1]) && float.IsNaN(std[1]));
        Assert.Null(EnsembleStatistics.MeanAndStdDev([[1f]]).StdDev);
    }

    [Fact]
    public void RejectsBadRulesAndSingleMembers()
    {
        Assert.Throws<ArgumentException>(() => UncertaintyMap.Assess([new float[4]], 2, 2, new UncertaintyRule()));
        Assert.Throws<ArgumentException>(() => UncertaintyMap.Assess([new float[4], new float[4]], 2, 2, new UncertaintyRule { MaxDisagreement = 1 }));
        Assert.Throws<ArgumentException>(() => UncertaintyMap.Assess([new float[4], new float[4]], 2, 2, new UncertaintyRule { CellSize = 1 }));
    }
}
