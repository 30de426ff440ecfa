using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Tests;

public class FilterTests
{
    [Fact]
    public void ReflectMatchesScipyMode()
    {
        // scipy 'reflect' on [0 1 2]: … 1 0 | 0 1 2 | 2 1 0 …
        int[] expected = [2, 1, 0, 0, 1, 2, 2, 1, 0, 0];
        for (int i = -3; i <= 6; i++) Assert.Equal(expected[i + 3], Filters.Reflect(i, 3));
        Assert.Equal(0, Filters.Reflect(5, 1));
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(2.3)]
    public void GaussianEqualsNaive2DConvolution(double sigma)
    {
        var src = TestImages.Random(13, 9, 5);
        var got = Filters.Gaussian(src, sigma);
        int r = (int)(4 * sigma + 0.5);
        for (int y = 0; y < 9; y++)
        {
            for (int x = 0; x < 13; x++)
            {
                double s = 0, norm = 0;
                for (int dy = -r; dy <= r; dy++)
                    for (int dx = -r; dx <= r; dx++)
                    {
                        double wgt = Math.Exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                        s += wgt * src[TestImages.Mirror(y + dy, 9), TestImages.Mirror(x + dx, 13)];
                        norm += wgt;
                    }
                Assert.Equal(s / norm, got[y, x], 5);
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public void MedianEqualsSortedWindow(int k)
    {
        var src = TestImages.Random(11, 7, 6);
        var got = Filters.Median(src, k);
        int lo = k / 2;
        for (int y = 0; y < 7; y++)
            for (int x = 0; x < 11; x++)
            {
                var win = new List<float>();
                for (int dy = -lo; dy < k - lo; dy++)
                    for (int dx = -lo; dx < k - lo; dx++) win.Add(src[TestImages.Mirror(y + dy, 7), TestImages.Mirror(x + dx, 11)]);
                win.Sort();
                Assert.Equal(win[win.Count / 2], got[y, x]);
            }
    }

    [Fact]
    public void CorrelateEqualsNaiveSum()
    {
        var src = TestImages.Random(10, 8, 7);
        var kernel = Enumerable.Range(0, 36).Select(i => (float)Math.Sin(i)).ToArray();
        var got = Filters.Correlate(src, kernel, 6);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 10; x++)
            {
                double s = 0;
                for (int dy = 0; dy < 6; dy++)
                    for (int dx = 0; dx < 6; dx++) s += kernel[dy * 6 + dx] * src[TestImages.Mirror(y + dy - 3, 8), TestImages.Mirror(x + dx - 3, 10)];
                Assert.Equal(s, got[y, x], 5);
            }
    }

    [Fact]
    public void ShiftByWholePixelsMovesContentAndHalfPixelsAverages()
    {
        var src = TestImages.Random(12, 10, 8);
        var s = Filters.Shift(src, 3, 2);
        for (int y = 2; y < 10; y++)
            for (int x = 3; x < 12; x++) Assert.Equal(src[y - 2, x - 3], s[y, x]);
        var half = Filters.Shift(src, 0.5, 0);
        Assert.Equal((src[4, 5] + src[4, 4]) / 2, half[4, 5], 6);
    }
}
