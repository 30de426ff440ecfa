using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class WinogradConv3x3Tests
{
    // Even spatial sizes (tile rows of 1, 3, 9 and 16 tiles: remainders of the 8-tile register block),
    // channel counts not multiples of 16, odd output-block counts.
    [Theory]
    [InlineData(1, 16, 16, 2, 2, 1)]
    [InlineData(2, 20, 18, 6, 18, 2)]
    [InlineData(1, 33, 47, 10, 32, 2)]
    [InlineData(2, 64, 32, 8, 14, 1)]
    public void MatchesNaiveLoop(int n, int cin, int cout, int h, int w, int threads)
    {
        var x = Naive.RandomTensor(51, n, cin, h, w);
        var wt = Naive.Random(cout * cin * 9, 52, 0.3f);
        var b = Naive.Random(cout, 53);
        var expected = Naive.Conv2d(x, wt, b, cout, 3, 1);
        var output = new BlockedTensor(n, cout, h, w);
        using var pool = new WorkerPool(threads);
        var op = new WinogradConv3x3(new WinogradWeights(wt, b, cout, cin), BlockedTensor.From(x), output);
        op.Run(pool);
        Naive.AssertClose(expected, output.ToTensor(), 2e-6, "winograd conv");
        Conv2dTests.AssertHaloZero(output);
    }

    [Fact]
    public void FusesSampleBiasAndResidualLikeDirectConv()
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
        new WinogradConv3x3(new WinogradWeights(wt, b, cout, cin), input, wino, res, sb).Run(WorkerPool.Inline);
        Naive.AssertClose(direct.ToTensor(), wino.ToTensor(), 2e-6, "winograd vs direct");
    }

    [Fact]
    public void RejectsOddSizes() =>
        Assert.Throws<ArgumentException>(() => new WinogradConv3x3(new WinogradWeights(new float[16 * 16 * 9], new float[16], 16, 16),
            new BlockedTensor(1, 16, 5, 4), new BlockedTensor(1, 16, 5, 4)));
}
