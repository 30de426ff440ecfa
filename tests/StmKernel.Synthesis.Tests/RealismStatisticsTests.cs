using StmKernel.Synthesis.Realism;

namespace StmKernel.Synthesis.Tests;

/// <summary>The realism statistics on images whose answer is known by hand.</summary>
public class RealismStatisticsTests
{
    /// <summary>cos(2π (−x sin θ + y cos θ) / P): rows along θ, <paramref name="period"/> px apart.</summary>
    private static float[] Rows(int w, int h, double period, double angleDegrees)
    {
        double t = angleDegrees * Math.PI / 180, s = Math.Sin(t), c = Math.Cos(t);
        var img = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img[y * w + x] = (float)Math.Cos(2 * Math.PI * (-x * s + y * c) / period);
        return img;
    }

    private static float[] Noise(int w, int h, long seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, w * h).Select(_ => (float)rng.Normal()).ToArray();
    }

    [Theory]
    [InlineData(9.6, 30.0)]
    [InlineData(31.0, 143.0)]
    [InlineData(4.1, 90.0)]
    public void TheRowPeakHasThePeriodAndAngleOfTheCosine(double period, double angle)
    {
        // (Rows exactly along x would vanish: every scan line loses its own mean and slope first.)
        var s = SurfaceStatistics.Compute(Rows(300, 300, period, angle), 300, 300, period);
        Assert.InRange(s.Peak.PeriodPx, period * 0.99, period * 1.01);
        double gap = Math.Abs(s.Peak.RowAngle * 180 / Math.PI - angle) % 180;
        Assert.True(Math.Min(gap, 180 - gap) < 1, $"row angle {s.Peak.RowAngle * 180 / Math.PI:0.0}°, expected {angle}°");
        Assert.True(s.Peak.Prominence > 100, $"prominence {s.Peak.Prominence} of a pure cosine");
    }

    [Fact]
    public void WhiteNoiseHasAFlatSpectrumAtItsVarianceOverPSquared()
    {
        // Unit-variance white noise (robust σ 1): density per κ² = σ² / P² in every bin.
        const double period = 8;
        var s = SurfaceStatistics.Compute(Noise(128, 128, 1), 128, 128, period);
        var finite = s.LogSpectrum.Where(double.IsFinite).ToArray();
        Assert.True(finite.Length >= 12, $"only {finite.Length} spectrum bins");
        // From κ = 0.5 on every bin averages ≥ 20 FFT bins: 0.35 decades; the lowest bins hold only a
        // few (χ² with few degrees of freedom) and enter the average only, within 0.1 decades.
        Assert.All(s.LogSpectrum.Where((v, i) => RadialSpectrum.BinCentre(i) >= 0.5 && double.IsFinite(v)), v => Assert.InRange(v, Math.Log10(1 / (period * period)) - 0.35, Math.Log10(1 / (period * period)) + 0.35));
        Assert.InRange(finite.Average(), Math.Log10(1 / (period * period)) - 0.1, Math.Log10(1 / (period * period)) + 0.1);
    }

    [Fact]
    public void TheHistogramOfNormalNoiseIsTheNormalDensity()
    {
        var s = SurfaceStatistics.Compute(Noise(200, 200, 2), 200, 200, 8);
        for (int i = 0; i < HeightHistogram.Bins; i++)
        {
            double z = HeightHistogram.BinCentre(i);
            if (Math.Abs(z) > 2) continue;
            // Exact bin mass / width of a standard normal, by the midpoint rule over 100 sub-steps.
            double lo = z - 0.125, mass = 0;
            for (int k = 0; k < 100; k++) { double u = lo + (k + 0.5) * 0.0025; mass += Math.Exp(-u * u / 2) / Math.Sqrt(2 * Math.PI) * 0.0025; }
            Assert.InRange(s.Histogram[i], mass / 0.25 * 0.9, mass / 0.25 * 1.1);
        }
    }

    [Fact]
    public void FeatureCensusCountsPlacedBumpsAndPits()
    {
        // Rows (P = 12 px) plus 6 bright bumps and 3 pits of FWHM 2 P on a 300² image, white noise of half the row amplitude (the noise floor the robust σ measures).
        const int w = 300, h = 300;
        const double period = 12;
        var img = Rows(w, h, period, 20);
        var noise = Noise(w, h, 3);
        void Bump(double cx, double cy, double amp)
        {
            double sigma = 2 * period / 2.3548;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) img[y * w + x] += (float)(amp * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma)));
        }
        foreach (var (x, y) in new[] { (50, 50), (150, 60), (250, 50), (60, 160), (160, 150), (240, 240) }) Bump(x, y, 4);
        foreach (var (x, y) in new[] { (60, 250), (150, 250), (250, 150) }) Bump(x, y, -4);
        for (int i = 0; i < img.Length; i++) img[i] += 0.5f * noise[i];
        // Without line flattening: it would add a streak along the lines through each bump.
        var s = SurfaceStatistics.Compute(img, w, h, period, flattenLines: false);
        double perHundred = 100 / (w * h / (period * period));
        Assert.Equal(6 * perHundred, s.Bright.Density, 6);
        Assert.Equal(3 * perHundred, s.Dark.Density, 6);
        // By hand: the bump (σ 10.2 px) blurred by σ 6 px has σ 11.8 px and height 4·(10.2/11.8)² = 3.0;
        // the noise blurred by σ 6 px has σ 0.5 / (2√π·6) = 0.024, so the 3 σ contour has radius
        // 11.8·√(2 ln(3.0 / 0.071)) = 32 px: diameter 5.4 P (a little less where the median background rises).
        Assert.InRange(s.Bright.MeanDiameter, 4, 5.6);
        Assert.InRange(s.Dark.MeanDiameter, 4, 5.6);
    }

    [Fact]
    public void TheAutocorrelationOfRowsIsACosineAcrossAndOneAlong()
    {
        const double period = 10;
        var s = SurfaceStatistics.Compute(Rows(256, 256, period, 90), 256, 256, period);
        for (int i = 0; i < Autocorrelation.Lags; i++)
        {
            double lag = Autocorrelation.Lag(i);
            // Finite overlap: the estimate of a pure cosine stays within a few % of cos(2π lag).
            Assert.InRange(s.AcfAcross[i], Math.Cos(2 * Math.PI * lag) - 0.06, Math.Cos(2 * Math.PI * lag) + 0.06);
            Assert.InRange(s.AcfAlong[i], 0.94, 1.06);
        }
    }

    [Fact]
    public void DistancesAreZeroForEqualSetsAndTheMeanAbsoluteDifferenceOtherwise()
    {
        var a = SurfaceStatistics.Compute(Noise(96, 96, 4), 96, 96, 8);
        var b = SurfaceStatistics.Compute(Rows(96, 96, 8, 10), 96, 96, 8);
        var sa = StatisticsSummary.Of([a]);
        var sb = StatisticsSummary.Of([b]);
        var zero = RealismDistance.Between(sa, sa);
        Assert.Equal(0, zero.Spectrum);
        Assert.Equal(0, zero.Histogram);
        Assert.Equal(0, zero.BrightDensity);
        var d = RealismDistance.Between(sa, sb);
        var pairs = a.LogSpectrum.Zip(b.LogSpectrum).Where(p => double.IsFinite(p.First) && double.IsFinite(p.Second)).ToArray();
        Assert.Equal(pairs.Average(p => Math.Abs(p.First - p.Second)), d.Spectrum, 12);
        Assert.Equal(a.AcfAcross.Zip(b.AcfAcross).Average(p => Math.Abs(p.First - p.Second)), d.AcfAcross, 12);
    }

    [Fact]
    public void BadRowPeriodsAreRejectedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SurfaceStatistics.Compute(new float[64 * 64], 64, 64, 40));
        Assert.Contains("64×64", e.Message);
    }
}
