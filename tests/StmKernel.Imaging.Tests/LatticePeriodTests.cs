using StmKernel.Imaging.Fourier;

namespace StmKernel.Imaging.Tests;

public class LatticePeriodTests
{
    /// <summary>A sum of plane waves cos(2π k·r / P + φ), k at <c>angle</c> degrees from +x, plus Gaussian noise of <paramref name="noise"/>.</summary>
    private static float[] Waves(int w, int h, double noise, int seed, params (double Period, double AngleDeg, double Amplitude)[] waves)
    {
        var r = new Random(seed);
        var data = new float[w * h];
        var phases = waves.Select(_ => r.NextDouble() * 2 * Math.PI).ToArray();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double z = 0;
                for (int k = 0; k < waves.Length; k++)
                {
                    var (p, a, amp) = waves[k];
                    double t = a * Math.PI / 180;
                    z += amp * Math.Cos(2 * Math.PI * (x * Math.Cos(t) + y * Math.Sin(t)) / p + phases[k]);
                }
                if (noise > 0) z += noise * Gaussian(r);
                data[y * w + x] = (float)z;
            }
        return data;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>Smallest difference of two directions modulo 180°.</summary>
    private static double AngleDifference(double a, double b)
    {
        double d = Math.Abs(a - b) % 180;
        return Math.Min(d, 180 - d);
    }

    public static TheoryData<int, int, double, double> Lattices()
    {
        var data = new TheoryData<int, int, double, double>();
        foreach (var (w, h) in new[] { (131, 97), (97, 131), (128, 128), (151, 149) })
            foreach (double period in new[] { 3.7, 7.68, 12.3 })
                foreach (double angle in new[] { 0.0, 30.0, 135.0 })
                    data.Add(w, h, period, angle);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lattices))]
    public void FindsThePeriodAndDirectionOfALattice(int w, int h, double period, double angle)
    {
        var image = Waves(w, h, 0.1, w + h, (period, angle, 1.0));
        var peak = LatticePeriod.Find(image, w, h);
        Assert.NotNull(peak);
        var p = peak.Value;
        Assert.True(Math.Abs(p.PeriodPx / period - 1) < 0.02, $"{w}×{h}, {period} px at {angle}°: found {p.PeriodPx:F3} px");
        Assert.True(AngleDifference(p.AngleDegrees, angle) < 2, $"{w}×{h}, {period} px at {angle}°: found {p.AngleDegrees:F2}°");
        Assert.InRange(p.AngleDegrees, 0, 180);
        Assert.True(p.Prominence > 200, $"prominence {p.Prominence:F0}");
    }

    [Fact]
    public void TheSlowAxisIsSkippedByDefaultAndFoundOnRequest()
    {
        const int w = 131, h = 97;
        // Horizontal stripes (wave vector along y, as line offsets make) that dominate, and a weaker lattice at 20°.
        var image = Waves(w, h, 0.05, 7, (8.3, 90, 1.0), (5.1, 20, 0.3));

        var skipped = LatticePeriod.Find(image, w, h)!.Value;
        Assert.Equal(5.1, skipped.PeriodPx, 5.1 * 0.02);
        Assert.True(AngleDifference(skipped.AngleDegrees, 20) < 2, $"found {skipped.AngleDegrees:F1}°");

        var all = LatticePeriod.Find(image, w, h, slowAxisCone: 0)!.Value;
        Assert.Equal(8.3, all.PeriodPx, 8.3 * 0.02);
        Assert.True(AngleDifference(all.AngleDegrees, 90) < 2, $"found {all.AngleDegrees:F1}°");
    }

    [Fact]
    public void ThePeriodBandIsHonoured()
    {
        const int w = 161, h = 147;
        var image = Waves(w, h, 0.05, 11, (5.0, 25, 1.0), (20.0, 70, 0.5));

        var any = LatticePeriod.Find(image, w, h)!.Value;
        Assert.Equal(5.0, any.PeriodPx, 0.1); // the stronger one wins without a band

        var longBand = LatticePeriod.Find(image, w, h, minPeriod: 10, maxPeriod: 40)!.Value;
        Assert.Equal(20.0, longBand.PeriodPx, 20 * 0.02);
        Assert.True(AngleDifference(longBand.AngleDegrees, 70) < 2, $"found {longBand.AngleDegrees:F1}°");

        var shortBand = LatticePeriod.Find(image, w, h, minPeriod: 3, maxPeriod: 8)!.Value;
        Assert.Equal(5.0, shortBand.PeriodPx, 0.1);
        Assert.True(AngleDifference(shortBand.AngleDegrees, 25) < 2, $"found {shortBand.AngleDegrees:F1}°");
    }

    [Fact]
    public void ABandThatHoldsNoBinGivesNull()
    {
        var image = Waves(33, 31, 0.1, 2, (5, 30, 1));
        Assert.Null(LatticePeriod.Find(image, 33, 31, minPeriod: 500, maxPeriod: 1000)); // longer than the image: no bin
    }

    [Theory]
    [InlineData(128, 128, 1)]
    [InlineData(131, 97, 2)]
    [InlineData(97, 151, 3)]
    public void NoiseIsNotALattice(int w, int h, int seed)
    {
        var noise = Waves(w, h, 1.0, seed);
        var p = LatticePeriod.Find(noise, w, h)!.Value;
        Assert.True(p.Prominence < 50, $"noise prominence {p.Prominence:F1}");
        // The same noise plus a lattice as strong as the noise's standard deviation stands out.
        var lattice = Waves(w, h, 1.0, seed, (6.4, 40, 1.0));
        var q = LatticePeriod.Find(lattice, w, h)!.Value;
        Assert.True(q.Prominence > 200, $"lattice prominence {q.Prominence:F1}");
        Assert.Equal(6.4, q.PeriodPx, 6.4 * 0.02);
    }

    [Fact]
    public void ArgumentErrorsThrow()
    {
        var image = new float[20 * 10];
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image, 20, 11));
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image.AsSpan(1), 20, 10));
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image, 20, 10, minPeriod: 1.5));
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image, 20, 10, minPeriod: 6, maxPeriod: 5));
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image, 20, 10, minPeriod: double.NaN));
        Assert.Throws<ArgumentException>(() => LatticePeriod.Find(image, 20, 10, maxPeriod: double.NaN));
    }
}
