using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Tests;

/// <summary>Issue 15's generator features, each measured on the image by naive code against the parameter that set it.</summary>
public class RealismFeatureTests
{
    /// <summary>One terrace, no lattice contrast, no other features: what is in the image comes from the feature under test.</summary>
    private static readonly SurfaceParameters Flat = GeneratorTests.Bare with
    {
        Width = 256, Height = 256, PixelSize = 0.08e-9, MiscutDegrees = ValueRange.Fixed(0),
        RowCorrugation = ValueRange.Fixed(0), DimerCorrugation = ValueRange.Fixed(0),
    };

    /// <summary>Connected regions (4-neighbour) of pixels above <paramref name="threshold"/>: their pixel lists.</summary>
    private static List<List<(int X, int Y)>> Regions(Plane p, float threshold)
    {
        var seen = new bool[p.Data.Length];
        var regions = new List<List<(int, int)>>();
        for (int start = 0; start < seen.Length; start++)
        {
            if (seen[start] || p.Data[start] <= threshold) continue;
            var region = new List<(int, int)>();
            var queue = new Queue<int>([start]);
            seen[start] = true;
            while (queue.Count > 0)
            {
                int i = queue.Dequeue(), x = i % p.Width, y = i / p.Width;
                region.Add((x, y));
                foreach (var (nx, ny) in new[] { (x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1) })
                {
                    if (nx < 0 || ny < 0 || nx >= p.Width || ny >= p.Height) continue;
                    int j = ny * p.Width + nx;
                    if (seen[j] || p.Data[j] <= threshold) continue;
                    seen[j] = true;
                    queue.Enqueue(j);
                }
            }
            regions.Add(region);
        }
        return regions;
    }

    /// <summary>Major-axis direction (radians, [0, π)) and major/minor length ratio from the second moments of a pixel set.</summary>
    private static (double Angle, double Elongation) Axis(List<(int X, int Y)> r)
    {
        double mx = r.Average(q => q.X), my = r.Average(q => q.Y);
        double sxx = r.Average(q => (q.X - mx) * (q.X - mx)), syy = r.Average(q => (q.Y - my) * (q.Y - my)), sxy = r.Average(q => (q.X - mx) * (q.Y - my));
        double angle = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
        double tr = sxx + syy, det = sxx * syy - sxy * sxy, disc = Math.Sqrt(Math.Max(0, tr * tr / 4 - det));
        double l1 = tr / 2 + disc, l2 = Math.Max(1e-9, tr / 2 - disc);
        return ((angle + Math.PI) % Math.PI, Math.Sqrt(l1 / l2));
    }

    private static double AngleGap(double a, double b)
    {
        double d = Math.Abs(a - b) % Math.PI;
        return Math.Min(d, Math.PI - d);
    }

    [Theory]
    [InlineData(0.0, 30.0)]   // chains along the rows
    [InlineData(1.0, 120.0)]  // chains across the rows: perpendicular to them
    public void ChainsRunAlongOrAcrossTheRowsAsAsked(double acrossFraction, double expectedDegrees)
    {
        var p = Flat with
        {
            LatticeAngleDegrees = 30, DanglingBondChainDensity = 1.5e16, DanglingBondChainMeanLength = 8,
            DanglingBondChainAcrossFraction = acrossFraction, DanglingBondHeight = ValueRange.Fixed(1.2e-10),
        };
        var angles = new List<double>();
        for (int seed = 0; seed < 4; seed++)
        {
            var s = SiH2x1Generator.Generate(p, seed);
            // Half the DB height: one region per chain (DBs 0.384 nm apart under a 1 nm FWHM merge).
            foreach (var r in Regions(s.Heights, 0.6e-10f))
            {
                var (angle, elongation) = Axis(r);
                if (elongation > 2 && r.Count > 150) angles.Add(angle);
            }
        }
        Assert.True(angles.Count >= 5, $"only {angles.Count} elongated chains found");
        double expected = expectedDegrees * Math.PI / 180;
        int aligned = angles.Count(a => AngleGap(a, expected) < 10 * Math.PI / 180);
        // Crossing chains can merge into one crooked region; 80 % must lie within 10° of the direction.
        Assert.True(aligned >= 0.8 * angles.Count, $"{aligned} of {angles.Count} chains within 10° of {expectedDegrees}°: {string.Join(", ", angles.Select(a => (a * 180 / Math.PI).ToString("0")))}");
    }

    [Fact]
    public void ChainLengthsAndCountsFollowTheParameters()
    {
        // Mean length L̄ = 5 (2 + geometric): over many chains the mean number of DBs per chain is 5;
        // the chain count is Poisson(density × area) less the few that start off the terrace.
        var p = Flat with { Width = 320, Height = 320, DanglingBondChainDensity = 2e16, DanglingBondChainMeanLength = 5, DanglingBondChainAcrossFraction = 0.5 };
        double area = 320 * 320 * 0.08e-9 * 0.08e-9;
        int chains = 0, dbs = 0;
        const int n = 10;
        for (int seed = 0; seed < n; seed++)
        {
            var d = SiH2x1Generator.Generate(p, seed).Description;
            chains += d.DanglingBondChains;
            dbs += d.ChainDanglingBonds;
        }
        double expected = n * 2e16 * area;
        Assert.InRange(chains, 0.9 * expected - 4 * Math.Sqrt(expected), expected + 4 * Math.Sqrt(expected));
        // Geometric tail: variance of the length is (L̄−2)(L̄−1) = 12; chains cut at the image edge shorten the mean slightly.
        double sem = Math.Sqrt(12.0 / chains);
        Assert.InRange(dbs / (double)chains, 5 * 0.95 - 4 * sem, 5 + 4 * sem);
    }

    [Fact]
    public void BrightClusterDensityMatchesTheParameter()
    {
        // Single-lobe clusters 1.2 Å high on a flat terrace: count the regions above 0.5 Å by hand.
        var p = Flat with
        {
            AdsorbateDensity = 1.5e16, ClusterMeanLobes = 1, AdsorbateHeight = ValueRange.Fixed(1.2e-10),
            ClusterLobeWidth = ValueRange.Fixed(0.8e-9),
        };
        double area = 256 * 256 * 0.08e-9 * 0.08e-9;
        int regions = 0, placed = 0;
        const int n = 8;
        for (int seed = 0; seed < n; seed++)
        {
            var s = SiH2x1Generator.Generate(p, seed);
            regions += Regions(s.Heights, 0.5e-10f).Count;
            placed += s.Description.Adsorbates;
        }
        double expected = n * 1.5e16 * area;
        Assert.InRange(placed, expected - 4 * Math.Sqrt(expected), expected + 4 * Math.Sqrt(expected));
        // Overlapping clusters merge (about 5 % at this density) and clusters at the edge may be cut.
        Assert.InRange(regions, 0.85 * placed, placed * 1.02);
    }

    [Fact]
    public void DarkClustersAreDarkAndChargeHalosAreBroad()
    {
        var dark = SiH2x1Generator.Generate(Flat with { DarkClusterDensity = 2e16 }, 3);
        Assert.True(dark.Description.DarkClusters > 0, "no dark cluster placed");
        Assert.True(dark.Heights.Range().Min < -0.5e-10, $"dark clusters only reach {dark.Heights.Range().Min} m");
        Assert.True(dark.Heights.Range().Max < 1e-12, "dark clusters must not raise the surface");

        // A halo of σ ≥ 1 nm (12.5 px) changes the height by < 1 % of its amplitude per pixel.
        var halos = SiH2x1Generator.Generate(Flat with { ChargeHaloDensity = 3e16 }, 4);
        Assert.True(halos.Description.ChargeHalos > 0, "no halo placed");
        double maxStep = 0, amp = Math.Max(-halos.Heights.Range().Min, halos.Heights.Range().Max);
        for (int y = 0; y < 256; y++) for (int x = 1; x < 256; x++) maxStep = Math.Max(maxStep, Math.Abs(halos.Heights[y, x] - halos.Heights[y, x - 1]));
        Assert.True(amp > 0.02e-10, $"halos too weak: {amp} m");
        Assert.True(maxStep < 0.06 * amp, $"halos not broad: step {maxStep} against amplitude {amp}");
    }

    [Theory]
    [InlineData(0.08e-9)]
    [InlineData(0.195e-9)]
    [InlineData(0.4e-9)]
    public void PixelSizeIsHonouredWithEveryFeatureOn(double pixel)
    {
        // Default parameters (all issue-15 features on), one terrace, rows at 45° so that even the
        // 1.92 px rows at 0.4 nm/px are below Nyquist along both axes (0.37 cycles/px).
        var p = new SurfaceParameters { Width = 160, Height = 160, PixelSize = pixel, MiscutDegrees = ValueRange.Fixed(0), LatticeAngleDegrees = 45 };
        var s = SiH2x1Generator.Generate(p, 21);
        double c = Math.Sqrt(0.5);
        // Across rows at 45°: the direction (−sin 45°, cos 45°).
        double period = TestSpectra.StrongestPeriod(s.Heights, -c, c, 0.02, 0.6);
        double expected = 7.68e-10 / pixel;
        Assert.InRange(period, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void TipBlurFadesTheDimersByTheGaussianTransferFunction()
    {
        // Rows along x at 0.08 nm/px: rows 9.6 px (across, y), dimers 4.8 px (along, x). The dimer
        // term's power relative to the row's must drop by exp(−4π²σ²(f_d² − f_r²)).
        var p = Flat with
        {
            Width = 192, Height = 192, LatticeAngleDegrees = 0, RowCorrugation = ValueRange.Fixed(0.4e-10),
            DimerCorrugation = ValueRange.Fixed(0.15e-10), RowSecondHarmonic = 0,
        };
        double sigma = 0.1e-9;
        double Ratio(SurfaceParameters q)
        {
            var h = SiH2x1Generator.Generate(q, 2).Heights;
            return TestSpectra.Power(h, 0.08 / 0.384, 0) / TestSpectra.Power(h, 0, 0.08 / 0.768);
        }
        double sharp = Ratio(p), blunt = Ratio(p with { TipBlurSigma = ValueRange.Fixed(sigma) });
        double fd = 1 / 0.384e-9, fr = 1 / 0.768e-9;
        double expected = Math.Exp(-4 * Math.PI * Math.PI * sigma * sigma * (fd * fd - fr * fr));
        Assert.InRange(blunt / sharp, expected * 0.95, expected * 1.05);
    }

    [Fact]
    public void LatticeJitterDisplacesLinesByItsRms()
    {
        // Rows along y (vertical, periodic in x): a line's shift is the phase of the row cosine.
        // Measured per line by a one-frequency DFT, its RMS about the mean must match the parameter.
        double rms = 0.1e-9, px = 0.08e-9, period = 0.768e-9 / px;
        var p = Flat with { Width = 192, Height = 400, LatticeAngleDegrees = 90, RowCorrugation = ValueRange.Fixed(0.4e-10), RowSecondHarmonic = 0, LatticeJitterRms = rms, LatticeJitterCorrelation = 0.3e-9 };
        var h = SiH2x1Generator.Generate(p, 8).Heights;
        var shifts = new List<double>();
        double previous = 0;
        for (int y = 0; y < h.Height; y++)
        {
            double re = 0, im = 0;
            for (int x = 0; x < h.Width; x++) { re += h[y, x] * Math.Cos(2 * Math.PI * x / period); im += h[y, x] * Math.Sin(2 * Math.PI * x / period); }
            double phase = Math.Atan2(im, re);
            while (y > 0 && phase - previous > Math.PI) phase -= 2 * Math.PI;
            while (y > 0 && phase - previous < -Math.PI) phase += 2 * Math.PI;
            previous = phase;
            shifts.Add(phase / (2 * Math.PI) * period * px);
        }
        double mean = shifts.Average(), measured = Math.Sqrt(shifts.Average(v => (v - mean) * (v - mean)));
        // 400 lines of 0.08 nm over a 0.3 nm correlation: ~85 independent values, so ±30 % covers 3 σ of the RMS estimate.
        Assert.InRange(measured, 0.7 * rms, 1.3 * rms);
    }

    [Fact]
    public void EveryFeatureIsDeterministicBySeedAtOddSizes()
    {
        var p = new SurfaceParameters
        {
            Width = 131, Height = 97, PixelSize = 0.1e-9,
            DanglingBondChainDensity = 3e16, AdsorbateDensity = 3e16, DarkClusterDensity = 3e16, ChargeHaloDensity = 3e16,
        };
        var a = SiH2x1Generator.Generate(p, 77);
        var b = SiH2x1Generator.Generate(p, 77);
        Assert.Equal(a.Heights.Data, b.Heights.Data);
        Assert.Equal(a.Description, b.Description);
        Assert.NotEqual(a.Heights.Data, SiH2x1Generator.Generate(p, 78).Heights.Data);
        Assert.Equal((131, 97), (a.Heights.Width, a.Heights.Height));
        Assert.All(a.Heights.Data, v => Assert.True(float.IsFinite(v)));
        Assert.True(a.Description.DanglingBondChains + a.Description.Adsorbates + a.Description.DarkClusters + a.Description.ChargeHalos > 0, "no feature placed");
    }

    [Fact]
    public void TheBaselineSwitchesEveryNewFeatureOff()
    {
        // Baseline = the pre-issue-15 generator: nothing new is placed, and switching any one new
        // feature back on changes the image (so the baseline really has it off).
        // At 0.08 nm/px the dimers and row harmonics are resolved, so the tip blur has something to fade.
        var b = SurfaceParameters.Baseline with { Width = 96, Height = 96, PixelSize = 0.08e-9 };
        var reference = SiH2x1Generator.Generate(b, 5).Heights.Data;
        var d = SiH2x1Generator.Generate(b, 5).Description;
        Assert.Equal((0, 0, 0, 0), (d.DanglingBondChains, d.Adsorbates, d.DarkClusters, d.ChargeHalos));
        foreach (var on in new[] { b with { AdsorbateDensity = 1e17 }, b with { ChargeHaloDensity = 1e17 }, b with { LatticeJitterRms = 0.05e-9 }, b with { TipBlurSigma = ValueRange.Fixed(0.1e-9) } })
            Assert.NotEqual(reference, SiH2x1Generator.Generate(on, 5).Heights.Data);
    }

    [Fact]
    public void InvalidRealismParametersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { BeanSkew = new ValueRange(-2, 0) }, 1));
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { DanglingBondChainMeanLength = 1 }, 1));
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { AdsorbateDensity = -1 }, 1));
        Assert.Throws<ArgumentException>(() => SiH2x1Generator.Generate(new SurfaceParameters { TipBlurSigma = new ValueRange(-1e-10, 0) }, 1));
    }
}
