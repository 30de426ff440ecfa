using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Kernels.Backward;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

/// <summary>SiLU forward and backward are one function: every path computes the same bits, and the gradient is of that function.</summary>
public class ActivationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(37)]
    [InlineData(203)]
    public void SpanSiluMatchesDoubleDefinitionAndIsTheSameWhereverAnElementFalls(int length)
    {
        var x = Inputs(length, 31);
        var y = new float[length];
        Silu.Apply(x, y);
        for (int i = 0; i < length; i++)
            Assert.True(Math.Abs(y[i] - Naive.Silu(x[i])) <= 3e-7 * Math.Max(1, Math.Abs(x[i])), $"SiLU({x[i]}) = {y[i]}, want {Naive.Silu(x[i])}");

        // Shifting the span by 5 moves elements between full blocks and the tail: same bits either way.
        var shifted = new float[length - Math.Min(5, length - 1)];
        int shift = length - shifted.Length;
        Silu.Apply(x.AsSpan(shift), shifted);
        for (int i = 0; i < shifted.Length; i++) Assert.Equal(Bits(y[i + shift]), Bits(shifted[i]));
    }

    [Fact]
    public void BlockedSiluAndFusedGroupNormSiluComputeTheSpanSiluBitForBit()
    {
        var x = Naive.RandomTensor(32, 2, 21, 5, 7);
        for (int i = 0; i < x.Length; i++) x.Data[i] *= 6f;
        var blocked = BlockedTensor.From(x);
        new Silu(blocked).Run(WorkerPool.Inline);
        var plain = new float[x.Length];
        Silu.Apply(x.Data, plain);
        AssertBits(plain, blocked.ToTensor().Data, "blocked SiLU");

        var gamma = Naive.Random(21, 33);
        var beta = Naive.Random(21, 34);
        var input = BlockedTensor.From(x);
        var fused = new BlockedTensor(2, 21, 5, 7);
        var normed = new BlockedTensor(2, 21, 5, 7);
        new GroupNorm(input, fused, 7, gamma, beta, 1e-5f, fuseSilu: true).Run(WorkerPool.Inline);
        new GroupNorm(input, normed, 7, gamma, beta, 1e-5f, fuseSilu: false).Run(WorkerPool.Inline);
        var z = normed.ToTensor().Data;
        var expected = new float[z.Length];
        Silu.Apply(z, expected);
        AssertBits(expected, fused.ToTensor().Data, "group norm fused with SiLU");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(23)]
    [InlineData(64)]
    public void SiluGradientIsTheFiniteDifferenceOfTheForward(int length)
    {
        var x = Inputs(length, 35);
        var dy = Naive.Random(length, 36);
        var dx = new float[length];
        SiluBackward.Apply(x, dy, dx);
        const float h = 1f / 64;
        var plus = new float[length];
        var minus = new float[length];
        var xp = Array.ConvertAll(x, v => v + h);
        var xm = Array.ConvertAll(x, v => v - h);
        Silu.Apply(xp, plus);
        Silu.Apply(xm, minus);
        for (int i = 0; i < length; i++)
        {
            // Central difference of the float forward (O(h²) ≈ 1e-5 truncation, ≈ 1e-5 rounding), and the double derivative.
            double fd = dy[i] * ((double)plus[i] - minus[i]) / ((double)xp[i] - xm[i]);
            double s = 1 / (1 + Math.Exp(-(double)x[i]));
            double exact = dy[i] * s * (1 + x[i] * (1 - s));
            Assert.True(Math.Abs(dx[i] - fd) <= 5e-5 * Math.Max(1, Math.Abs(fd)), $"x = {x[i]}: dx {dx[i]} vs finite difference {fd}");
            Assert.True(Math.Abs(dx[i] - exact) <= 1e-6 * Math.Max(1, Math.Abs(exact)), $"x = {x[i]}: dx {dx[i]} vs {exact}");
        }
    }

    [Theory]
    [InlineData(2, 24, 4, 5, 3)]
    [InlineData(1, 7, 7, 3, 9)]
    public void FusedGroupNormSiluBackwardIsSiluBackwardThenGroupNormBackward(int n, int c, int groups, int h, int w)
    {
        var x = Naive.RandomTensor(37, n, c, h, w);
        for (int i = 0; i < x.Length; i++) x.Data[i] = 4f + 3f * x.Data[i];
        var gamma = Naive.Random(c, 38);
        var beta = Naive.Random(c, 39);
        var input = BlockedTensor.From(x);
        var dy = BlockedTensor.From(Naive.RandomTensor(40, n, c, h, w));
        using var pool = new WorkerPool(2);

        var dxFused = new BlockedTensor(n, c, h, w);
        var dGammaFused = new float[c];
        var dBetaFused = new float[c];
        new GroupNormBackward(input, dy, dxFused, groups, gamma, beta, 1e-5f, true, dGammaFused, dBetaFused, accumulate: false).Run(pool);

        var z = new BlockedTensor(n, c, h, w);
        new GroupNorm(input, z, groups, gamma, beta, 1e-5f, fuseSilu: false).Run(pool);
        var g = new BlockedTensor(n, c, h, w);
        SiluBackward.Apply(z, dy, g);
        var dx = new BlockedTensor(n, c, h, w);
        var dGamma = new float[c];
        var dBeta = new float[c];
        new GroupNormBackward(input, g, dx, groups, gamma, beta, 1e-5f, false, dGamma, dBeta, accumulate: false).Run(pool);

        AssertBits(dx.ToTensor().Data, dxFused.ToTensor().Data, "dx");
        AssertBits(dGamma, dGammaFused, "dγ");
        AssertBits(dBeta, dBetaFused, "dβ");
    }

    /// <summary>Spread over the SiLU's curved range and past FastExp's clamps.</summary>
    private static float[] Inputs(int length, int seed)
    {
        var x = Naive.Random(length, seed, 8f);
        float[] extremes = [0f, -100f, 100f, -20f, 20f, 1e-6f, -1e-6f];
        for (int i = 0; i < Math.Min(extremes.Length, length / 3); i++) x[3 * i] = extremes[i];
        return x;
    }

    private static int Bits(float v) => BitConverter.SingleToInt32Bits(v);

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Bits(expected[i]) == Bits(actual[i]), $"{what}[{i}]: {actual[i]:R} != {expected[i]:R}");
    }
}
