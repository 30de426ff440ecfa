using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using static StmKernel.Tensors.Tests.Backward.FiniteDifference;

namespace StmKernel.Tensors.Tests.Backward;

public class AttentionBackwardTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(16, 8, 3, 5)]
    [InlineData(24, 8, 1, 7)]
    public void GradientsMatchFiniteDifferences(int c, int d, int h, int w)
    {
        const int n = 2;
        int len = n * c * h * w;
        var q = Random(len, 21, 1.5);
        var k = Random(len, 22, 1.5);
        var v = Random(len, 23);
        var r = Random(len, 24);
        double Loss() => Dot(DoubleOps.Attention(q, k, v, n, c, h * w, d), r);

        using var pool = new WorkerPool(2);
        var dq = new BlockedTensor(n, c, h, w);
        var dk = new BlockedTensor(n, c, h, w);
        var dv = new BlockedTensor(n, c, h, w);
        new SelfAttentionBackward(Blocked(q, n, c, h, w), Blocked(k, n, c, h, w), Blocked(v, n, c, h, w), Blocked(r, n, c, h, w), dq, dk, dv, d).Run(pool);

        Check(WorstRelative(Plain(dq), Gradient(q, Loss)), 1e-4, "Plain(dq)");
        Check(WorstRelative(Plain(dk), Gradient(k, Loss)), 1e-4, "Plain(dk)");
        Check(WorstRelative(Plain(dv), Gradient(v, Loss)), 1e-4, "Plain(dv)");
    }

    private void Check(double error, double tolerance, string what)
    {
        output.WriteLine($"{what}: worst relative error {error:E2}");
        Assert.InRange(error, 0, tolerance);
    }
}
