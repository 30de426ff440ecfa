using StmKernel.Train.Optim;
using StmKernel.UNet;

namespace StmKernel.Train.Tests;

public class OptimTests
{
    /// <summary>A config whose parameter list is cheap; only the first two tensors are used by the tests.</summary>
    private static ParameterSet Tiny() =>
        new(TinyModel.Config, RandomParameters.For(TinyModel.Config, seed: 3));

    [Fact]
    public void AdamWMatchesPyTorch()
    {
        // torch.optim.AdamW(lr 0.1, betas (0.9, 0.999), eps 1e-8), weight decay 0.01 on the rank-2 tensor only,
        // three steps with fixed gradients; expected values printed by torch 1.13 in float64.
        var p = Tiny();
        var weight = p.Values[0];          // conv_in.weight (rank 4: decayed)
        var bias = p.Values[1];            // conv_in.bias (rank 1: not decayed)
        weight[0] = 0.5f; weight[1] = -1.0f; bias[0] = 0.25f;
        var opt = new AdamW(p, weightDecay: 0.01);
        float[][] gw = [[0.3f, -0.2f], [-0.1f, 0.4f], [0.05f, 0.05f]];
        float[] gb = [1.0f, 0.5f, -2.0f];
        for (int s = 0; s < 3; s++)
        {
            foreach (var g in p.Gradients) Array.Clear(g);
            p.Gradients[0][0] = gw[s][0]; p.Gradients[0][1] = gw[s][1];
            p.Gradients[1][0] = gb[s];
            opt.Update(0.1);
        }
        Assert.Equal(0.31817703112110995, weight[0], 5e-7);
        Assert.Equal(-0.9690032488170426, weight[1], 5e-7);
        Assert.Equal(0.07741774086205681, bias[0], 5e-7);
    }

    [Fact]
    public void WarmupThenCosine()
    {
        var s = new LearningRateSchedule(1e-3, Warmup: 10, Total: 110, Floor: 1e-5);
        Assert.Equal(1e-4, s.At(1), 12);
        Assert.Equal(1e-3, s.At(10), 12);
        Assert.Equal(1e-5 + (1e-3 - 1e-5) / 2, s.At(60), 12);   // half way down the cosine
        Assert.Equal(1e-5, s.At(110), 12);
        Assert.Equal(1e-5, s.At(500), 12);
    }

    [Fact]
    public void ClippingScalesToTheGlobalNorm()
    {
        var p = Tiny();
        foreach (var g in p.Gradients) Array.Clear(g);
        p.Gradients[0][0] = 3; p.Gradients[^1][0] = 4;  // global norm 5 across two tensors
        double norm = GradientClipping.ClipGlobalNorm(p, 1.0);
        Assert.Equal(5, norm, 12);
        Assert.Equal(0.6, p.Gradients[0][0], 5);
        Assert.Equal(0.8, p.Gradients[^1][0], 5);
        Assert.Equal(1.0, GradientClipping.ClipGlobalNorm(p, 2.0), 5);  // under the limit: untouched
        Assert.Equal(0.6, p.Gradients[0][0], 5);
    }

    [Fact]
    public void EmaFollowsTheWeights()
    {
        var p = Tiny();
        var ema = new ExponentialMovingAverage(p, decay: 0.9);
        float start = p.Values[1][0];
        p.Values[1][0] = start + 1;
        ema.Update(500);
        ema.Update(501);
        // Past the warm-up the decay is 0.9: s2 = 0.81·start + 0.19·(start + 1)
        Assert.Equal(start + 0.19, ema.Shadow[1][0], 5);
    }

    [Fact]
    public void EmaWarmUpForgetsTheStartingPoint()
    {
        var p = Tiny();
        var ema = new ExponentialMovingAverage(p, decay: 0.999);
        float start = p.Values[1][0];
        p.Values[1][0] = start + 1;
        ema.Update(0); // d0 = 1/10: s = start + 0.9
        Assert.Equal(start + 0.9, ema.Shadow[1][0], 5);
        ema.Update(1); // d1 = 2/11: s = start + 1 − (2/11)·0.1
        Assert.Equal(start + 1 - 0.2 / 11, ema.Shadow[1][0], 5);
        Assert.Equal(0.999, ema.DecayAt(100_000));
        Assert.Equal(991.0 / 1000, ema.DecayAt(990), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => ema.Update(-1));
    }
}
