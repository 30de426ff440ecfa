using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class Conv2dTests
{
    // Odd spatial sizes (tails of the 8-pixel tile), channel counts not multiples of 16, both strides.
    [Theory]
    [InlineData(1, 3, 5, 3, 1, 7, 9, 1)]
    [InlineData(2, 2, 32, 3, 1, 13, 11, 2)]
    [InlineData(1, 17, 33, 3, 1, 10, 19, 2)]
    [InlineData(2, 20, 47, 3, 2, 9, 17, 2)]
    [InlineData(1, 32, 32, 3, 2, 16, 16, 1)]
    [InlineData(2, 96, 32, 1, 1, 5, 11, 2)]
    [InlineData(1, 19, 7, 1, 1, 3, 9, 1)]
    [InlineData(1, 32, 1, 3, 1, 12, 10, 2)]
    public void MatchesNaiveLoop(int n, int cin, int cout, int k, int stride, int h, int w, int threads)
    {
        var x = Naive.RandomTensor(1, n, cin, h, w);
        var wt = Naive.Random(cout * cin * k * k, 2, 0.3f);
        var b = Naive.Random(cout, 3);
        var expected = Naive.Conv2d(x, wt, b, cout, k, stride);

        var weights = new ConvWeights(wt, b, cout, cin, k, stride);
        var input = BlockedTensor.From(x);
        var output = new BlockedTensor(n, cout, expected.Dim(2), expected.Dim(3));
        using var pool = new WorkerPool(threads);
        new Conv2d(weights, input, output).Run(pool);
        Naive.AssertClose(expected, output.ToTensor(), 1e-5, "conv");
        AssertHaloZero(output);
    }

    [Fact]
    public void FusesSampleBiasAndResidual()
    {
        int n = 2, cin = 5, cout = 18, h = 6, w = 9;
        var x = Naive.RandomTensor(4, n, cin, h, w);
        var wt = Naive.Random(cout * cin * 9, 5, 0.3f);
        var b = Naive.Random(cout, 6);
        var res = Naive.RandomTensor(7, n, cout, h, w);
        var sb = GC.AllocateArray<float>(n * 2 * 16, pinned: true);
        var sbVals = Naive.Random(n * cout, 8);
        var expected = Naive.Conv2d(x, wt, b, cout, 3, 1);
        for (int s = 0; s < n; s++)
            for (int co = 0; co < cout; co++)
            {
                sb[s * 32 + co] = sbVals[s * cout + co];
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++)
                        expected[s, co, y, xx] += sbVals[s * cout + co] + res[s, co, y, xx];
            }
        var output = new BlockedTensor(n, cout, h, w);
        new Conv2d(new ConvWeights(wt, b, cout, cin, 3), BlockedTensor.From(x), output, BlockedTensor.From(res), sb).Run(WorkerPool.Inline);
        Naive.AssertClose(expected, output.ToTensor(), 1e-5, "conv+bias+residual");
    }

    internal static void AssertHaloZero(BlockedTensor t)
    {
        var full = t.Data.ToArray();
        for (int n = 0; n < t.N; n++)
            for (int cb = 0; cb < t.Cb; cb++)
                for (int y = -1; y <= t.H; y++)
                    for (int x = -1; x <= t.W; x++)
                    {
                        bool halo = y < 0 || y >= t.H || x < 0 || x >= t.W;
                        for (int l = 0; l < 16; l++)
                        {
                            bool padLane = cb * 16 + l >= t.C;
                            if (!halo && !padLane) continue;
                            unsafe { Assert.Equal(0f, t.At(n, cb, y, x)[l]); }
                        }
                    }
    }
}
