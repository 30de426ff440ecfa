using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using static StmKernel.Tensors.Tests.Backward.FiniteDifference;

namespace StmKernel.Tensors.Tests.Backward;

public class ConvBackwardTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(3, 1, 5, 18, 7, 9)]
    [InlineData(3, 2, 5, 18, 7, 9)]
    [InlineData(3, 2, 17, 3, 6, 8)]
    [InlineData(1, 1, 19, 7, 5, 3)]
    [InlineData(1, 2, 11, 17, 5, 6)]
    [InlineData(3, 1, 10, 17, 11, 3)]   // more than one row chunk and group set
    [InlineData(3, 2, 17, 18, 18, 5)]
    [InlineData(1, 1, 75, 5, 3, 4)]
    [InlineData(3, 1, 3, 64, 4, 32)]    // dx through Winograd F(4×4): the transposed conv has 64 input channels
    [InlineData(3, 1, 3, 66, 6, 6)]     // … F(2×2), Cout not a multiple of 16
    [InlineData(3, 2, 3, 64, 6, 8)]     // … F(2×2) on the stride-2 spread grid
    public void GradientsMatchFiniteDifferences(int k, int s, int cin, int cout, int h, int w)
    {
        const int n = 2;
        int p = k / 2, ho = (h + 2 * p - k) / s + 1, wo = (w + 2 * p - k) / s + 1;
        var x = Random(n * cin * h * w, 1);
        var wt = Random(cout * cin * k * k, 2, 0.5);
        var b = Random(cout, 3);
        var r = Random(n * cout * ho * wo, 4);
        double Loss() => Dot(DoubleOps.Conv(x, wt, b, n, cin, h, w, cout, k, s), r);

        using var pool = new WorkerPool(2);
        var xb = Blocked(x, n, cin, h, w);
        var dy = Blocked(r, n, cout, ho, wo);
        var dw = new float[wt.Length];
        new ConvGradWeights(xb, dy, k, s, dw).Run(pool);
        var sums = new ChannelSums(dy);
        sums.Run(pool);
        var db = new float[cout];
        sums.SumOverBatch(db);

        var dx = new BlockedTensor(n, cin, h, w);
        new ConvGradInput(ToFloat(wt), cout, cin, k, s, dy, dx, accumulate: false).Run(pool);

        // Accumulate mode adds onto what is there: start from a known tensor and subtract it back.
        var prior = Random(x.Length, 5);
        var dxAcc = Blocked(prior, n, cin, h, w);
        new ConvGradInput(ToFloat(wt), cout, cin, k, s, dy, dxAcc, accumulate: true).Run(pool);
        var accumulated = Plain(dxAcc);
        for (int i = 0; i < accumulated.Length; i++) accumulated[i] -= (float)prior[i];

        var fdW = Gradient(wt, Loss);
        var fdB = Gradient(b, Loss);
        var fdX = Gradient(x, Loss);
        Check(WorstRelative(dw, fdW), Tolerance, "dw");
        Check(WorstRelative(db, fdB), Tolerance, "db");
        Check(WorstRelative(Plain(dx), fdX), Tolerance, "Plain(dx)");
        Check(WorstRelative(accumulated, fdX), 1e-3, "accumulated");
    }

    private void Check(double error, double tolerance, string what)
    {
        output.WriteLine($"{what}: worst relative error {error:E2}");
        Assert.InRange(error, 0, tolerance);
    }
}
