using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;
using static StmKernel.Tensors.Tests.Backward.FiniteDifference;

namespace StmKernel.Tensors.Tests.Backward;

public class WinogradGradWeightsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(5, 18, 6, 8)]     // channel counts not multiples of 16: padded lanes must not leak
    [InlineData(17, 3, 2, 10)]    // one row of tiles
    [InlineData(7, 70, 4, 2)]     // more than one group of four output blocks
    [InlineData(3, 5, 12, 22)]    // more tiles than one chunk per sample
    public void MatchesFiniteDifferences(int cin, int cout, int h, int w)
    {
        const int n = 2;
        var x = Random(n * cin * h * w, 1);
        var wt = Random(cout * cin * 9, 2, 0.5);
        var b = Random(cout, 3);
        var r = Random(n * cout * h * w, 4);
        double Loss() => Dot(DoubleOps.Conv(x, wt, b, n, cin, h, w, cout, 3, 1), r);

        using var pool = new WorkerPool(2);
        var dw = new float[wt.Length];
        new WinogradGradWeights(Blocked(x, n, cin, h, w), Blocked(r, n, cout, h, w), dw).Run(pool);

        double error = WorstRelative(dw, Gradient(wt, Loss));
        output.WriteLine($"dw: worst relative error {error:E2}");
        Assert.InRange(error, 0, 1e-4);
    }

    [Fact]
    public void AgreesWithTheDirectKernelOnAUNetLayerAndAnyThreadCount()
    {
        // A decoder layer's shape (concatenated input), smaller batch and plane: the direct kernel is the reference.
        int n = 3, cin = 96, cout = 64, h = 10, w = 14;
        var x = Blocked(Random(n * cin * h * w, 7), n, cin, h, w);
        var dy = Blocked(Random(n * cout * h * w, 8), n, cout, h, w);
        var direct = new float[cout * cin * 9];
        new ConvGradWeights(x, dy, 3, 1, direct).Run(WorkerPool.Inline);
        var one = new float[direct.Length];
        new WinogradGradWeights(x, dy, one).Run(WorkerPool.Inline);
        using var pool = new WorkerPool(3);
        var three = new float[direct.Length];
        new WinogradGradWeights(x, dy, three).Run(pool);

        Assert.Equal(one, three);
        double scale = direct.Max(Math.Abs), worst = direct.Zip(one, (p, q) => Math.Abs(p - q)).Max();
        output.WriteLine($"max |winograd − direct| = {worst:E2} of max |dW| {scale:E2}");
        Assert.InRange(worst / scale, 0, 1e-5);
    }

    [Fact]
    public void RejectsOddSizes() =>
        Assert.Throws<ArgumentException>(() => new WinogradGradWeights(new BlockedTensor(1, 16, 5, 6), new BlockedTensor(1, 16, 5, 6), new float[16 * 16 * 9]));
}
