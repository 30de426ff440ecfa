using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class WinogradConv3x3Tests
{
    // Both tile sizes; spatial sizes giving tile rows of 1, 3, 9, 16 tiles (remainders of the 8-tile
    // register block); channel counts not multiples of 16; odd output-block counts.
    [Theory]
    [InlineData(2, 1, 16, 16, 2, 2, 1)]
    [InlineData(2, 2, 20, 18, 6, 18, 2)]
    [InlineData(2, 1, 33, 47, 10, 32, 2)]
    [InlineData(2, 2, 64, 32, 8, 14, 1)]
    [InlineData(4, 1, 16, 16, 4, 4, 1)]
    [InlineData(4, 2, 20, 18, 12, 36, 2)]
    [InlineData(4, 1, 33, 47, 8, 64, 2)]
    [InlineData(4, 2, 64, 32, 16, 12, 1)]
    public void MatchesNaiveLoop(int tile, int n, int cin, int cout, int h, int w, int threads)
    {
        var x = Naive.RandomTensor(51, n, cin, h, w);
        var wt = Naive.Random(cout * cin * 9, 52, 0.3f);
        var b = Naive.Random(cout, 53);
        var expected = Naive.Conv2d(x, wt, b, cout, 3, 1);
        var output = new BlockedTensor(n, cout, h, w);
        using var pool = new WorkerPool(threads);
        var op = new WinogradConv3x3(new WinogradWeights(wt, b, cout, cin, tile), BlockedTensor.From(x), output);
        op.Run(pool);
        Naive.AssertClose(expected, output.ToTensor(), tile == 2 ? 2e-6 : 1e-5, $"winograd F({tile}x{tile}) conv");
        Conv2dTests.AssertHaloZero(output);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void FusesSampleBiasAndResidualLikeDirectConv(int tile)
    {
        int n = 2, cin = 24, cout = 40, h = 8, w = 12;
        var x = Naive.RandomTensor(54, n, cin, h, w);
        var wt = Naive.Random(cout * cin * 9, 55, 0.3f);
        var b = Naive.Random(cout, 56);
        var res = BlockedTensor.From(Naive.RandomTensor(57, n, cout, h, w));
        var sb = GC.AllocateArray<float>(n * 3 * 16, pinned: true);
        Naive.Random(sb.Length, 58).CopyTo(sb, 0);
        for (int s = 0; s < n; s++) for (int c = cout; c < 48; c++) sb[s * 48 + c] = 0;
        var input = BlockedTensor.From(x);
        var direct = new BlockedTensor(n, cout, h, w);
        var wino = new BlockedTensor(n, cout, h, w);
        new Conv2d(new ConvWeights(wt, b, cout, cin, 3), input, direct, res, sb).Run(WorkerPool.Inline);
        new WinogradConv3x3(new WinogradWeights(wt, b, cout, cin, tile), input, wino, res, sb).Run(WorkerPool.Inline);
        Naive.AssertClose(direct.ToTensor(), wino.ToTensor(), tile == 2 ? 2e-6 : 1e-5, "winograd vs direct");
    }

    [Theory]
    [InlineData(2, 5, 4)]
    [InlineData(4, 6, 8)]
    public void RejectsSizesNotMultiplesOfTheTile(int tile, int h, int w) =>
        Assert.Throws<ArgumentException>(() => new WinogradConv3x3(new WinogradWeights(new float[16 * 16 * 9], new float[16], 16, 16, tile),
            new BlockedTensor(1, 16, h, w), new BlockedTensor(1, 16, h, w)));
}
