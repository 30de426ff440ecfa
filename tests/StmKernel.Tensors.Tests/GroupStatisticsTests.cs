using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

/// <summary>The forward and the backward of group norm share one statistics routine.</summary>
public class GroupStatisticsTests
{
    // Odd sizes; groups inside, straddling and equal to blocks; a mean that dwarfs the spread.
    public static TheoryData<int, int, int, int, int, float> Shapes => new()
    {
        { 2, 24, 4, 5, 3, 0.7f },
        { 1, 7, 7, 3, 9, 0f },
        { 3, 40, 5, 1, 11, 3f },
        { 1, 48, 4, 6, 7, 1000f },
        { 2, 32, 32, 13, 1, -50f },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchNaiveDoubleMeanAndVariance(int n, int c, int groups, int h, int w, float offset)
    {
        var x = Input(n, c, h, w, offset);
        var stats = new GroupStatistics(BlockedTensor.From(x), groups, 1e-5f);
        stats.Run(WorkerPool.Inline);
        int cpg = c / groups;
        for (int b = 0; b < n; b++)
            for (int g = 0; g < groups; g++)
            {
                double sum = 0, count = cpg * h * w;
                for (int ch = g * cpg; ch < (g + 1) * cpg; ch++)
                    for (int i = 0; i < h * w; i++) sum += x[b, ch, i / w, i % w];
                double mean = sum / count, m2 = 0;
                for (int ch = g * cpg; ch < (g + 1) * cpg; ch++)
                    for (int i = 0; i < h * w; i++) { double d = x[b, ch, i / w, i % w] - mean; m2 += d * d; }
                double rstd = 1 / Math.Sqrt(m2 / count + 1e-5);
                int k = b * groups + g;
                Assert.True(Math.Abs(stats.Mean[k] - mean) <= 1e-6 / rstd, $"mean {stats.Mean[k]} vs {mean}");
                Assert.True(Math.Abs(stats.Rstd[k] - rstd) <= 1e-5 * rstd, $"rstd {stats.Rstd[k]} vs {rstd}");
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardGivesTheSameBitsWithOrWithoutTheForwardsStatistics(int n, int c, int groups, int h, int w, float offset)
    {
        var input = BlockedTensor.From(Input(n, c, h, w, offset));
        var gamma = Naive.Random(c, 52);
        var beta = Naive.Random(c, 53);
        var dy = BlockedTensor.From(Naive.RandomTensor(54, n, c, h, w));
        using var pool = new WorkerPool(2);
        var forward = new GroupNorm(input, new BlockedTensor(n, c, h, w), groups, gamma, beta, 1e-5f, fuseSilu: true);
        forward.Run(pool);

        var (dx, dGamma, dBeta) = Backward(null);
        var (dxForward, dGammaForward, dBetaForward) = Backward(forward);
        Assert.Equal(dx.ToTensor().Data, dxForward.ToTensor().Data);
        Assert.Equal(dGamma, dGammaForward);
        Assert.Equal(dBeta, dBetaForward);

        (BlockedTensor, float[], float[]) Backward(GroupNorm? statistics)
        {
            var gradInput = new BlockedTensor(n, c, h, w);
            var gradGamma = new float[c];
            var gradBeta = new float[c];
            new GroupNormBackward(input, dy, gradInput, groups, gamma, beta, 1e-5f, true, gradGamma, gradBeta, accumulate: false, statistics).Run(pool);
            return (gradInput, gradGamma, gradBeta);
        }
    }

    private static Tensor Input(int n, int c, int h, int w, float offset)
    {
        var x = Naive.RandomTensor(51, n, c, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = offset + (1 + i % 3) * x.Data[i];
        return x;
    }
}
