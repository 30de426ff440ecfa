using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class LineUpsamplerTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void RepeatsEveryScanLineAlongYOnly(int factor)
    {
        int h = 5, w = 7;
        var image = new Tensor(h, w);
        for (int i = 0; i < image.Length; i++) image.Data[i] = i;
        var up = LineUpsampler.Upsample(image, factor);
        Assert.Equal(new[] { h * factor, w }, up.Shape);
        for (int y = 0; y < h * factor; y++)
            for (int x = 0; x < w; x++) Assert.Equal(image.Data[y / factor * w + x], up.Data[y * w + x]);
    }

    [Fact]
    public void SparseScanRestoredWithIdentityModelKeepsTheMeasuredLines()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var lowRes = TestData.Surface(64, 200);   // 200 × 64 scan → 200 × 256
        var result = LineUpsampler.UpsampleAndRestore(new TiledRestorer(new PointMassOracle(settings), settings), lowRes, 4);
        Assert.Equal(new[] { 256, 200 }, result.Image.Shape);
        for (int y = 0; y < 256; y++)
            for (int x = 0; x < 200; x++) Assert.Equal(lowRes.Data[y / 4 * 200 + x], result.Image.Data[y * 200 + x], 1e-6f);
    }

    [Fact]
    public void RejectsOtherFactorsAndShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LineUpsampler.Upsample(new Tensor(4, 4), 3));
        Assert.Throws<ArgumentException>(() => LineUpsampler.Upsample(new Tensor(1, 1, 4, 4), 2));
    }
}
