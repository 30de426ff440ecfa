using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class ConvPackingsTests
{
    [Theory]
    [InlineData(64, 3, 1, 8, 32, 4)]   // wide, W ≥ 32, multiples of 4: F(4×4)
    [InlineData(64, 3, 1, 6, 10, 2)]   // wide, even: F(2×2)
    [InlineData(64, 3, 1, 7, 10, 0)]   // odd height: direct
    [InlineData(63, 3, 1, 8, 32, 0)]   // too few input channels: direct
    [InlineData(64, 3, 2, 8, 32, 0)]   // stride 2: direct
    [InlineData(64, 1, 1, 8, 32, 0)]   // 1×1: direct
    public void ChoosesTheKernelByShape(int cin, int k, int stride, int h, int w, int tile)
    {
        var packings = new ConvPackings(new float[16 * cin * k * k], new float[16], 16, cin, k, stride);
        Assert.Equal(tile, packings.WinogradTile(h, w));
    }

    /// <summary>
    /// Weights change in place (as an optimizer changes them) after plans exist: Refresh must bring every
    /// packing in use up to date, and a direct plan made only after refreshes (which skip the unused
    /// direct packing) must still see the current weights. Reference: the naive loop on the new weights.
    /// </summary>
    [Theory]
    [InlineData(4, 33, 8, 32)]   // F(4×4) plan, then a direct plan at an odd size
    [InlineData(2, 70, 6, 10)]   // F(2×2) plan, Cout not a multiple of 16
    public void RefreshFollowsChangedWeights(int tile, int cout, int h, int w)
    {
        const int n = 2, cin = 64;
        var weight = Naive.Random(cout * cin * 9, 61, 0.3f);
        var bias = Naive.Random(cout, 62);
        var packings = new ConvPackings(weight, bias, cout, cin, 3);
        Assert.Equal(tile, packings.WinogradTile(h, w));
        var x = Naive.RandomTensor(63, n, cin, h, w);
        var y = new BlockedTensor(n, cout, h, w);
        var (run, _) = packings.Plan(BlockedTensor.From(x), y);

        Naive.Random(weight.Length, 64, 0.3f).CopyTo(weight, 0);
        Naive.Random(bias.Length, 65).CopyTo(bias, 0);
        packings.Refresh();
        using var pool = new WorkerPool(2);
        run(pool);
        Naive.AssertClose(Naive.Conv2d(x, weight, bias, cout, 3, 1), y.ToTensor(), tile == 2 ? 2e-6 : 1e-5, "winograd after refresh");

        Naive.Random(weight.Length, 66, 0.3f).CopyTo(weight, 0);
        packings.Refresh();
        var odd = Naive.RandomTensor(67, n, cin, h + 1, w);
        var yOdd = new BlockedTensor(n, cout, h + 1, w);
        packings.Plan(BlockedTensor.From(odd), yOdd).Run(pool);
        Naive.AssertClose(Naive.Conv2d(odd, weight, bias, cout, 3, 1), yOdd.ToTensor(), 2e-6, "direct planned after refreshes");
    }
}
