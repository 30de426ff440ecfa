using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class GroupNormTests
{
    // Groups inside a block (32 ch / 8 groups), straddling blocks (24 ch / 2 groups of 12),
    // one channel per group, channels not a multiple of 16, odd spatial sizes, offset data.
    [Theory]
    [InlineData(2, 32, 8, 7, 9, true, 2)]
    [InlineData(1, 24, 2, 5, 11, false, 1)]
    [InlineData(2, 32, 32, 3, 3, true, 2)]
    [InlineData(1, 20, 4, 13, 1, true, 2)]
    [InlineData(1, 48, 4, 6, 7, false, 2)]
    public void MatchesNaiveLoop(int n, int c, int groups, int h, int w, bool silu, int threads)
    {
        var x = Naive.RandomTensor(11, n, c, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = 3f + 2f * x.Data[i]; // offset: catches one-pass variance
        var gamma = Naive.Random(c, 12);
        var beta = Naive.Random(c, 13);
        var expected = Naive.GroupNorm(x, groups, gamma, beta, 1e-5f, silu);
        var input = BlockedTensor.From(x);
        var output = new BlockedTensor(n, c, h, w);
        using var pool = new WorkerPool(threads);
        var op = new GroupNorm(input, output, groups, gamma, beta, 1e-5f, silu);
        op.Run(pool);
        op.Run(pool); // a planned op must give the same answer every run
        Naive.AssertClose(expected, output.ToTensor(), 2e-6, "group norm");
        Conv2dTests.AssertHaloZero(output);
    }

    [Fact]
    public void StaysAccurateWhenTheMeanDwarfsTheSpread()
    {
        // x = 1000 + 0.01·u: a one-pass E[x²] − E[x]² in float would lose every digit of the variance.
        var x = Naive.RandomTensor(14, 1, 32, 9, 11);
        for (int i = 0; i < x.Length; i++) x.Data[i] = 1000f + 0.01f * x.Data[i];
        var gamma = Naive.Random(32, 15);
        var beta = Naive.Random(32, 16);
        var expected = Naive.GroupNorm(x, 8, gamma, beta, 1e-5f, silu: false);
        var output = new BlockedTensor(1, 32, 9, 11);
        new GroupNorm(BlockedTensor.From(x), output, 8, gamma, beta, 1e-5f, fuseSilu: false).Run(WorkerPool.Inline);
        Naive.AssertClose(expected, output.ToTensor(), 1e-3, "group norm with a large offset");
    }

    [Fact]
    public void RejectsChannelsNotDivisibleByGroups() =>
        Assert.Throws<ArgumentException>(() => new GroupNorm(new BlockedTensor(1, 30, 2, 2), new BlockedTensor(1, 30, 2, 2), 8, new float[30], new float[30], 1e-5f, false));
}
