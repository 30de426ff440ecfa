using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using static StmKernel.Tensors.Tests.Backward.FiniteDifference;

namespace StmKernel.Tensors.Tests.Backward;

public class GroupNormBackwardTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(24, 4, true)]   // 6 channels per group: groups straddle 16-channel blocks
    [InlineData(24, 4, false)]
    [InlineData(7, 7, true)]    // one channel per group, a partial block
    public void GradientsMatchFiniteDifferences(int c, int groups, bool silu)
    {
        const int n = 2, h = 5, w = 3;
        const float eps = 1e-5f;
        var x = Random(n * c * h * w, 11, 2);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] + 0.7); // an offset mean, as real activations
        var gamma = Random(c, 12);
        for (int i = 0; i < c; i++) gamma[i] = (float)(gamma[i] + 1.2);
        var beta = Random(c, 13);
        var r = Random(x.Length, 14);
        double Loss() => Dot(DoubleOps.GroupNorm(x, gamma, beta, n, c, h * w, groups, eps, silu), r);

        using var pool = new WorkerPool(2);
        var xb = Blocked(x, n, c, h, w);
        var dy = Blocked(r, n, c, h, w);
        var dx = new BlockedTensor(n, c, h, w);
        var dGamma = new float[c];
        var dBeta = new float[c];
        new GroupNormBackward(xb, dy, dx, groups, ToFloat(gamma), ToFloat(beta), eps, silu, dGamma, dBeta, accumulate: false).Run(pool);

        var prior = Random(x.Length, 15);
        var dxAcc = Blocked(prior, n, c, h, w);
        new GroupNormBackward(xb, dy, dxAcc, groups, ToFloat(gamma), ToFloat(beta), eps, silu, new float[c], new float[c], accumulate: true).Run(pool);
        var accumulated = Plain(dxAcc);
        for (int i = 0; i < accumulated.Length; i++) accumulated[i] -= (float)prior[i];

        // With the statistics of the forward that ran on x instead of recomputed ones.
        var forward = new GroupNorm(xb, new BlockedTensor(n, c, h, w), groups, ToFloat(gamma), ToFloat(beta), eps, silu);
        forward.Run(pool);
        var dxForward = new BlockedTensor(n, c, h, w);
        var dGammaForward = new float[c];
        new GroupNormBackward(xb, dy, dxForward, groups, ToFloat(gamma), ToFloat(beta), eps, silu, dGammaForward, new float[c], accumulate: false, forward).Run(pool);

        var fdX = Gradient(x, Loss);
        Check(WorstRelative(Plain(dx), fdX), 1e-4, "Plain(dx)");
        Check(WorstRelative(Plain(dxForward), fdX), 1e-4, "dx from forward statistics");
        Check(WorstRelative(dGammaForward, Gradient(gamma, Loss)), 1e-4, "dGamma from forward statistics");
        Check(WorstRelative(accumulated, fdX), 1e-3, "accumulated");
        Check(WorstRelative(dGamma, Gradient(gamma, Loss)), 1e-4, "dGamma");
        Check(WorstRelative(dBeta, Gradient(beta, Loss)), 1e-4, "dBeta");
    }

    [Fact]
    public void ForwardStatisticsMustBeOfTheSameInput()
    {
        var x = new BlockedTensor(1, 16, 4, 4);
        var other = new BlockedTensor(1, 16, 4, 4);
        var forward = new GroupNorm(other, new BlockedTensor(1, 16, 4, 4), 4, new float[16], new float[16], 1e-5f, fuseSilu: false);
        Assert.Throws<ArgumentException>(() => new GroupNormBackward(x, new BlockedTensor(1, 16, 4, 4), new BlockedTensor(1, 16, 4, 4), 4,
            new float[16], new float[16], 1e-5f, false, new float[16], new float[16], accumulate: false, forward));
    }

    private void Check(double error, double tolerance, string what)
    {
        output.WriteLine($"{what}: worst relative error {error:E2}");
        Assert.InRange(error, 0, tolerance);
    }
}
