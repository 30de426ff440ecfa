using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class NanFillTests
{
    [Fact]
    public void SingleHoleTakesTheMeanOfItsFourNeighbours()
    {
        float[] img =
        [
            1, 2, 3,
            4, float.NaN, 6,
            7, 8, 9,
        ];
        var (filled, missing) = NanFill.Fill(img, 3, 3);
        Assert.Equal((2 + 4 + 6 + 8) / 4f, filled[4]);
        Assert.Equal(new[] { false, false, false, false, true, false, false, false, false }, missing);
        Assert.True(float.IsNaN(img[4]), "the input is not modified");
    }

    [Fact]
    public void LargeHolesAndInfinitiesFillInsideTheKnownRange()
    {
        int h = 40, w = 30;
        var img = TestData.Surface(h, w).Data;
        for (int y = 5; y < 25; y++)
            for (int x = 0; x < 20; x++) img[y * w + x] = float.NaN;   // a block touching the border
        img[39 * w + 29] = float.PositiveInfinity;
        img[0] = float.NegativeInfinity;
        float min = img.Where(float.IsFinite).Min(), max = img.Where(float.IsFinite).Max();
        var (filled, missing) = NanFill.Fill(img, h, w);
        Assert.All(filled, v => Assert.InRange(v, min, max));
        Assert.Equal(20 * 20 + 2, missing.Count(m => m));
        for (int i = 0; i < img.Length; i++)
            if (!missing[i]) Assert.Equal(img[i], filled[i]);
    }

    [Fact]
    public void RowFillIsTheMeanOfTheRowsAround()
    {
        int h = 5, w = 4;
        var img = new float[h * w];
        for (int i = 0; i < img.Length; i++) img[i] = i / w;   // row index
        for (int x = 0; x < w; x++) img[2 * w + x] = float.NaN;
        var (filled, _) = NanFill.Fill(img, h, w);
        for (int x = 0; x < w; x++) Assert.Equal(2f, filled[2 * w + x]);
    }

    [Fact]
    public void AllMissingIsAnError()
    {
        Assert.Throws<ArgumentException>(() => NanFill.Fill([float.NaN, float.NaN], 1, 2));
    }
}
