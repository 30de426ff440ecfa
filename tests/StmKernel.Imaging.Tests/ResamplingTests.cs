namespace StmKernel.Imaging.Tests;

public class ResamplingTests
{
    /// <summary>
    /// The definition, written out per target pixel without the separable sparse matrices: each axis has a
    /// triangle kernel of half-width max(1, n/m) centred at (j + ½)·n/m − ½ in source coordinates, taps outside
    /// the source are dropped and the remaining weights renormalised; the 2-D weight is the product of the two.
    /// </summary>
    private static float[] NaiveResize(float[] src, int w, int h, int nw, int nh)
    {
        static double[,] AxisWeights(int n, int m)
        {
            double scale = (double)n / m, support = Math.Max(1.0, scale);
            var wts = new double[m, n];
            for (int j = 0; j < m; j++)
            {
                double centre = (j + 0.5) * scale - 0.5, sum = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = Math.Abs(i - centre);
                    wts[j, i] = d < support ? 1 - d / support : 0;
                    sum += wts[j, i];
                }
                for (int i = 0; i < n; i++) wts[j, i] /= sum;
            }
            return wts;
        }
        var wx = AxisWeights(w, nw);
        var wy = AxisWeights(h, nh);
        var dst = new float[nw * nh];
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++)
            {
                double s = 0;
                for (int j = 0; j < h; j++)
                {
                    if (wy[y, j] == 0) continue;
                    for (int i = 0; i < w; i++) s += wy[y, j] * wx[x, i] * src[j * w + i];
                }
                dst[y * nw + x] = (float)s;
            }
        return dst;
    }

    private static float[] RandomImage(int w, int h, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, w * h).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    [Theory]
    [InlineData(37, 23, 17, 29)]   // down in x, up in y
    [InlineData(64, 64, 128, 128)] // exact ×2 up
    [InlineData(101, 101, 33, 33)] // ≈ ×3 down
    [InlineData(19, 41, 57, 13)]   // ×3 up in x, ≈ ×3.15 down in y
    [InlineData(7, 5, 3, 2)]       // tiny: every tap near a border
    [InlineData(1, 9, 4, 9)]       // a single column stretched
    public void MatchesANaivePerPixelReference(int w, int h, int nw, int nh)
    {
        var src = RandomImage(w, h, w * 1000 + h);
        var want = NaiveResize(src, w, h, nw, nh);
        var got = Resampling.Resize(src, w, h, nw, nh);
        Assert.Equal(nw * nh, got.Length);
        double err = want.Zip(got, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(err < 1e-5, $"{w}×{h} → {nw}×{nh}: max |naive − Resize| = {err:E2}");
    }

    [Fact]
    public void EqualSizesAreTheIdentity()
    {
        var src = RandomImage(31, 17, 3);
        Assert.Equal(src, Resampling.Resize(src, 31, 17, 31, 17));
    }

    [Theory]
    [InlineData(37, 23, 17, 29)]
    [InlineData(50, 50, 7, 133)]
    public void AConstantStaysConstant(int w, int h, int nw, int nh)
    {
        var src = Enumerable.Repeat(3.25f, w * h).ToArray();
        Assert.All(Resampling.Resize(src, w, h, nw, nh), v => Assert.Equal(3.25, v, 1e-5));
    }

    [Fact]
    public void ALinearRampStaysLinearUnderUpsamplingAwayFromTheBorders()
    {
        const int w = 23, h = 19, nw = 61, nh = 47;
        var src = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) src[y * w + x] = (float)(0.5 + 0.3 * x - 0.2 * y);
        var got = Resampling.Resize(src, w, h, nw, nh);
        double sx = (double)w / nw, sy = (double)h / nh;
        int checkedPixels = 0;
        for (int y = 0; y < nh; y++)
            for (int x = 0; x < nw; x++)
            {
                // Source coordinates of the target centre (half-pixel convention); inside [0, n − 1] the linear kernel is exact.
                double cx = (x + 0.5) * sx - 0.5, cy = (y + 0.5) * sy - 0.5;
                if (cx < 0 || cy < 0 || cx > w - 1 || cy > h - 1) continue;
                Assert.Equal(0.5 + 0.3 * cx - 0.2 * cy, got[y * nw + x], 1e-4);
                checkedPixels++;
            }
        Assert.True(checkedPixels > nw * nh * 3 / 4, $"only {checkedPixels} interior pixels checked");
    }

    [Fact]
    public void DownsamplingKeepsTheMeanOfASmoothImage()
    {
        const int w = 203, h = 151, nw = 67, nh = 41;
        var src = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) src[y * w + x] = (float)(0.5 + 0.3 * Math.Sin(2 * Math.PI * x / w) * Math.Cos(2 * Math.PI * y / h) + 0.1 * Math.Cos(0.05 * x + 0.03 * y));
        double meanIn = src.Average(v => (double)v);
        double meanOut = Resampling.Resize(src, w, h, nw, nh).Average(v => (double)v);
        Assert.True(Math.Abs(meanIn - meanOut) < 1e-3, $"mean {meanIn:F5} → {meanOut:F5}");
    }

    /// <summary>Period of a sampled cosine from its interpolated upward zero crossings.</summary>
    private static double MeasuredPeriod(IReadOnlyList<double> s)
    {
        var crossings = new List<double>();
        for (int i = 0; i + 1 < s.Count; i++)
            if (s[i] < 0 && s[i + 1] >= 0) crossings.Add(i + s[i] / (s[i] - s[i + 1]));
        Assert.True(crossings.Count >= 3, $"only {crossings.Count} upward zero crossings");
        return (crossings[^1] - crossings[0]) / (crossings.Count - 1);
    }

    [Theory]
    [InlineData(240, 12.0, 100)] // ×2.4 down: period 5 px
    [InlineData(60, 7.3, 143)]   // ×2.38 up: period 17.40 px
    [InlineData(211, 9.1, 97)]   // odd sizes, ×2.175 down: period 4.18 px
    public void ACosineKeepsItsPhysicalPeriod(int n, double period, int m)
    {
        double expected = period * m / n; // the image's extent is kept, so a period of P source px is P·m/n target px
        const int other = 9;
        // Along x …
        var sx = new float[n * other];
        for (int y = 0; y < other; y++)
            for (int x = 0; x < n; x++) sx[y * n + x] = (float)Math.Cos(2 * Math.PI * (x + 0.3) / period);
        var rx = Resampling.Resize(sx, n, other, m, other);
        var row = Enumerable.Range(0, m).Select(x => (double)rx[4 * m + x]).ToArray();
        Assert.Equal(expected, MeasuredPeriod(row), expected * 0.01);
        // … and along y (the second pass).
        var sy = new float[other * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < other; x++) sy[y * other + x] = (float)Math.Cos(2 * Math.PI * (y + 0.3) / period);
        var ry = Resampling.Resize(sy, other, n, other, m);
        var col = Enumerable.Range(0, m).Select(y => (double)ry[y * other + 4]).ToArray();
        Assert.Equal(expected, MeasuredPeriod(col), expected * 0.01);
    }

    [Theory]
    [InlineData(0, 5, 3, 3)]
    [InlineData(5, -1, 3, 3)]
    [InlineData(5, 5, 0, 3)]
    [InlineData(5, 5, 3, -2)]
    public void NonPositiveSizesThrow(int w, int h, int nw, int nh) =>
        Assert.Throws<ArgumentException>(() => Resampling.Resize(new float[Math.Max(0, w * h)], w, h, nw, nh));

    [Fact]
    public void AMismatchedDataLengthThrows()
    {
        Assert.Throws<ArgumentException>(() => Resampling.Resize(new float[24], 5, 5, 3, 3));
        Assert.Throws<ArgumentException>(() => Resampling.Resize(new float[26], 5, 5, 3, 3));
    }
}
