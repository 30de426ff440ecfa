using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class TileGridTests
{
    [Theory]
    [InlineData(512, 32, 5)]
    [InlineData(512, 1, 5)]
    [InlineData(512, 0, 4)]
    [InlineData(512, 33, 6)]
    [InlineData(128, 32, 1)]
    [InlineData(100, 32, 1)]
    [InlineData(129, 32, 2)]
    [InlineData(224, 32, 2)]
    [InlineData(225, 32, 3)]
    [InlineData(300, 32, 3)]
    [InlineData(212, 32, 2)]
    [InlineData(1024, 32, 11)]
    public void TileCountIsTheSmallestWithAtLeastTheOverlap(int length, int overlap, int expected)
    {
        Assert.Equal(expected, TileGrid.TilesAlong(length, 128, overlap));
        // Independent check: n tiles of 128 cover L with overlaps ≥ O iff n·128 − (n−1)·O ≥ L.
        int n = expected;
        if (length > 128)
        {
            Assert.True(n * 128 - (n - 1) * overlap >= length);
            Assert.True((n - 1) * 128 - (n - 2) * overlap < length);
        }
    }

    [Fact]
    public void A512ImageGetsTwentyFiveTilesWithThirtyTwoPixelsOverlap()
    {
        var grid = new TileGrid(512, 512, 128, 32);
        Assert.Equal(25, grid.Count);
        Assert.Equal(new[] { 0, 96, 192, 288, 384 }, grid.TileXs);
        Assert.Equal(new[] { 0, 96, 192, 288, 384 }, grid.TileYs);
    }

    [Theory]
    [InlineData(300, 212)]
    [InlineData(512, 512)]
    [InlineData(1000, 129)]
    [InlineData(225, 700)]
    [InlineData(40, 300)]
    public void TilesStayInsideAndOverlapAtLeastTheRequest(int h, int w)
    {
        var grid = new TileGrid(h, w, 128, 32);
        foreach (var origins in new[] { grid.TileYs, grid.TileXs })
        {
            int length = origins == grid.TileYs ? grid.Height : grid.Width;
            Assert.Equal(0, origins[0]);
            Assert.Equal(length - 128, origins[^1]);
            for (int i = 1; i < origins.Count; i++) Assert.InRange(origins[i - 1] + 128 - origins[i], 32, 127);
        }
        Assert.Equal(Math.Max(h, 128), grid.Height);
        Assert.Equal(Math.Max(w, 128), grid.Width);
    }

    [Theory]
    [InlineData(512, 512, 32)]
    [InlineData(300, 212, 32)]
    [InlineData(212, 300, 16)]
    [InlineData(1000, 129, 32)]
    [InlineData(128, 128, 32)]
    [InlineData(50, 70, 32)]
    [InlineData(512, 512, 0)]
    public void SquaredCosineWeightsSumToOneEverywhere(int h, int w, int overlap)
    {
        // On these grids neighbouring overlaps never exceed half a tile, so each pixel sees at most two
        // tiles per axis and cos² + sin² = 1 must hold without any normalisation.
        var grid = new TileGrid(h, w, 128, overlap);
        foreach (float s in grid.AccumulatedWeights()) Assert.Equal(1f, s, 1e-6f);
    }

    [Fact]
    public void WindowsAreSquaredCosineRampsAcrossTheOverlap()
    {
        var grid = new TileGrid(128, 224, 128, 32);   // two tiles along x at 0 and 96: overlap 32
        float[] left = grid.WindowX(0), right = grid.WindowX(1);
        for (int j = 0; j < 96; j++) Assert.Equal(1f, left[j]);
        for (int k = 0; k < 32; k++)
        {
            double c = Math.Cos(Math.PI / 2 * (k + 0.5) / 32);
            Assert.Equal(c * c, left[96 + k], 1e-7);
            Assert.Equal(1 - c * c, right[k], 1e-7);
        }
        for (int j = 32; j < 128; j++) Assert.Equal(1f, right[j]);
        Assert.All(grid.WindowY(0), v => Assert.Equal(1f, v));   // a single row of tiles: no ramp along y
    }

    [Fact]
    public void CrowdedGridsStillCoverEveryPixelWithPositiveWeight()
    {
        // 225 px with O = 32 needs 3 tiles whose overlaps (~80 px) exceed half a tile: ramps meet, the raw
        // sum departs from one, and the restorer's division by it keeps the blend a partition of unity.
        var grid = new TileGrid(225, 225, 128, 32);
        Assert.All(grid.AccumulatedWeights(), s => Assert.InRange(s, 0.05f, 1.5f));
    }

    [Fact]
    public void RejectsBadGeometry()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TileGrid(100, 100, 128, 128));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TileGrid(100, 100, 128, -1));
        Assert.Throws<ArgumentException>(() => new TileGrid(0, 100, 128, 32));
    }
}
