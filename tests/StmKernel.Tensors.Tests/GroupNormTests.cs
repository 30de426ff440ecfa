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
    public void RejectsChannelsNotDivisibleByGroups() =>
        Assert.Throws<ArgumentException>(() => new GroupNorm(new BlockedTensor(1, 30, 2, 2), new BlockedTensor(1, 30, 2, 2), 8, new float[30], new float[30], 1e-5f, false));
}
