using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

public class GeneratorTests
{
    /// <summary>No defects and no noise: the lattice and the steps alone (issue 15's realism features off too).</summary>
    internal static readonly SurfaceParameters Bare = SurfaceParameters.Baseline with
    {
        Width = 160, Height = 160,
        DanglingBondFraction = ValueRange.Fixed(0), DimerVacancyFraction = ValueRange.Fixed(0),
        BrightClusterFraction = 0, EtchPitDensity = 0, NoiseRms = 0, LineNoiseRms = 0,
    };

    /// <summary>Periodogram of a block at frequency (fx, fy) in cycles/px, mean removed, Hann-windowed.</summary>
    private static double Power(Plane p, int x0, int y0, int size, double fx, double fy)
    {
        double mean = 0;
        for (int y = 0; y < size; y++) for (int x = 0; x < size; x++) mean += p[y0 + y, x0 + x];
        mean /= size * size;
        double re = 0, im = 0;
        for (int y = 0; y < size; y++)
        {
            double wy = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (y + 0.5) / size);
            for (int x = 0; x < size; x++)
            {
                double wx = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (x + 0.5) / size);
                double v = (p[y0 + y, x0 + x] - mean) * wx * wy, a = -2 * Math.PI * (fx * x + fy * y);
                re += v * Math.Cos(a);
                im += v * Math.Sin(a);
            }
        }
        return re * re + im * im;
    }

    [Theory]
    [InlineData(0.195e-9)]
    [InlineData(0.1e-9)]
    public void RowPeriodFromTheSpectrumIs768PicometresOverThePixelSize(double pixel)
    {
        // One terrace, rows along x (periodic in y): the strongest frequency across the rows.
        var p = Bare with { PixelSize = pixel, MiscutDegrees = ValueRange.Fixed(0), LatticeAngleDegrees = 0, Width = 96, Height = 96 };
        var s = SiH2x1Generator.Generate(p, 3);
        // Coarse scan, then a fine scan around the coarse peak.
        double bestF = 0;
        foreach (var (from, to, step) in new[] { (0.05, 0.49, 0.005), (-0.005, 0.005, 0.0002) })
        {
            double best = 0, centre = bestF;
            for (double f = centre + from; f <= centre + to + 1e-12; f += step)
            {
                double pw = Power(s.Heights, 0, 0, 96, 0, f);
                if (pw > best) { best = pw; bestF = f; }
            }
        }
        double expected = 7.68e-10 / pixel;
        Assert.InRange(1 / bestF, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void TerracesAreOneStepHeightApart()
    {
        // Raw staircase (no levelling): median height per terrace, consecutive terraces 1.36 Å apart.
        var p = Bare with { Width = 200, Height = 200, MiscutDegrees = ValueRange.Fixed(0.3), MiscutDirectionDegrees = 20, LevelMiscut = false };
        var s = SiH2x1Generator.Generate(p, 4);
        var byTerrace = new SortedDictionary<int, List<float>>();
        for (int i = 0; i < s.TerraceIndex.Length; i++)
        {
            if (!byTerrace.TryGetValue(s.TerraceIndex[i], out var list)) byTerrace[s.TerraceIndex[i]] = list = new();
            list.Add(s.Heights.Data[i]);
        }
        var medians = byTerrace.Where(kv => kv.Value.Count > 2000).Select(kv => (kv.Key, Median: kv.Value.Order().ElementAt(kv.Value.Count / 2))).ToArray();
        Assert.True(medians.Length >= 2, $"expected at least two large terraces, got {medians.Length}");
        for (int i = 1; i < medians.Length; i++)
        {
            double step = (medians[i - 1].Median - medians[i].Median) / (medians[i].Key - medians[i - 1].Key);
            Assert.InRange(step, 1.36e-10 - 0.08e-10, 1.36e-10 + 0.08e-10);
        }
    }

    [Fact]
    public void LevelledStepsStillJumpOneStepHeight()
    {
        // With the miscut plane removed, a step is still a 1.36 Å drop across the edge: compare pixels
        // 8 px either side of edges that lie within ±2 px of the midpoint (the edge's logistic
        // profile is flat there), and add back the levelling ramp over those 16 px.
        var p = Bare with { Width = 200, Height = 64, MiscutDegrees = ValueRange.Fixed(0.4), MiscutDirectionDegrees = 0, RowCorrugation = ValueRange.Fixed(0), DimerCorrugation = ValueRange.Fixed(0) };
        var s = SiH2x1Generator.Generate(p, 5);
        int T(int x, int y) => s.TerraceIndex[y * 200 + x];
        var drops = new List<double>();
        for (int y = 0; y < 64; y++)
            for (int x = 8; x < 192; x++)
                if (T(x - 8, y) == T(x - 2, y) && T(x + 2, y) == T(x + 8, y) && T(x - 2, y) + 1 == T(x + 2, y))
                    drops.Add(s.Heights[y, x - 8] - s.Heights[y, x + 8]);
        Assert.True(drops.Count > 50, $"only {drops.Count} edge crossings");
        double slope = 1.36e-10 / (s.Description.TerraceWidth / 0.195e-9); // levelling ramp per px
        Assert.InRange(drops.Average() + 16 * slope, 1.36e-10 * 0.97, 1.36e-10 * 1.03);
    }

    [Fact]
    public void RowsRotateNinetyDegreesAcrossEachStep()
    {
        var p = Bare with { Width = 220, Height = 220, MiscutDegrees = ValueRange.Fixed(0.25), MiscutDirectionDegrees = 0, LatticeAngleDegrees = 0 };
        var s = SiH2x1Generator.Generate(p, 6);
        double f = 0.195e-9 / 7.68e-10;
        int checkedTerraces = 0;
        foreach (int n in s.TerraceIndex.Distinct())
        {
            // A 32×32 block entirely on terrace n.
            (int X, int Y)? block = null;
            for (int y0 = 0; y0 + 32 <= 220 && block is null; y0 += 8)
                for (int x0 = 0; x0 + 32 <= 220 && block is null; x0 += 8)
                    if (Enumerable.Range(0, 32 * 32).All(i => s.TerraceIndex[(y0 + i / 32) * 220 + x0 + i % 32] == n)) block = (x0, y0);
            if (block is not { } b) continue;
            double acrossY = Power(s.Heights, b.X, b.Y, 32, 0, f), acrossX = Power(s.Heights, b.X, b.Y, 32, f, 0);
            // Even terraces: rows along x (periodic in y); odd terraces: rows along y.
            if (((n % 2) + 2) % 2 == 0) Assert.True(acrossY > 20 * acrossX, $"terrace {n}: {acrossY} vs {acrossX}");
            else Assert.True(acrossX > 20 * acrossY, $"terrace {n}: {acrossX} vs {acrossY}");
            checkedTerraces++;
        }
        Assert.True(checkedTerraces >= 2, $"only {checkedTerraces} terraces had a clean block");
    }

    [Fact]
    public void SameSeedSameSurfaceAndUnitsAreMetres()
    {
        var p = new SurfaceParameters { Width = 96, Height = 80 };
        var a = SiH2x1Generator.Generate(p, 11);
        Assert.Equal(a.Heights.Data, SiH2x1Generator.Generate(p, 11).Heights.Data);
        Assert.NotEqual(a.Heights.Data, SiH2x1Generator.Generate(p, 12).Heights.Data);
        Assert.Equal(96, a.Heights.Width);
        Assert.Equal(80, a.Heights.Height);
        Assert.Equal(0.195e-9, a.PixelSize);
        var (lo, hi) = a.Heights.Range();
        Assert.InRange(hi - lo, 0.3e-10, 10e-10); // ångström-scale topography, in metres
    }

    [Fact]
    public void DefectCountsFollowTheDensities()
    {
        var p = Bare with { Width = 256, Height = 256, MiscutDegrees = ValueRange.Fixed(0), DanglingBondFraction = ValueRange.Fixed(0.005), DimerVacancyFraction = ValueRange.Fixed(0.01) };
        double sites = 256 * 256 * 0.195e-9 * 0.195e-9 * SiH2x1Generator.SitesPerSquareMetre;
        double db = 0, dv = 0;
        const int n = 6;
        for (int seed = 0; seed < n; seed++)
        {
            var d = SiH2x1Generator.Generate(p, seed).Description;
            db += d.DanglingBonds;
            dv += d.DimerVacancies;
        }
        // A few events fall off the image edge; allow 15 % below and 4 Poisson σ.
        double eDb = n * 0.005 * sites, eDv = n * 0.01 * sites / 2;
        Assert.InRange(db, 0.85 * eDb - 4 * Math.Sqrt(eDb * 1.5), eDb + 4 * Math.Sqrt(eDb * 1.5));
        Assert.InRange(dv, 0.85 * eDv - 4 * Math.Sqrt(eDv * 2.2), eDv + 4 * Math.Sqrt(eDv * 2.2));
    }

    [Fact]
    public void DanglingBondsAreBrightAndVacanciesDark()
    {
        var clean = Bare with { Width = 128, Height = 128, MiscutDegrees = ValueRange.Fixed(0) };
        var withDb = clean with { DanglingBondFraction = ValueRange.Fixed(0.01) };
        var withDv = clean with { DimerVacancyFraction = ValueRange.Fixed(0.03) };
        var (lo, hi) = SiH2x1Generator.Generate(clean, 1).Heights.Range();
        var (_, hiDb) = SiH2x1Generator.Generate(withDb, 1).Heights.Range();
        var (loDv, _) = SiH2x1Generator.Generate(withDv, 1).Heights.Range();
        Assert.True(hiDb - hi > 0.8e-10, $"dangling bonds rise {hiDb - hi} m above the lattice");
        Assert.True(lo - loDv > 0.3e-10, $"vacancies sink {lo - loDv} m below the lattice");
    }

    [Fact]
    public void InvalidParametersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { Width = 4 }, 1));
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { PixelSize = -1 }, 1));
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { RowCorrugation = new ValueRange(2, 1) }, 1));
    }
}
