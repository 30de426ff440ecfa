using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class ElementwiseTests
{
    [Fact]
    public void SiluMatchesDefinitionIncludingExtremes()
    {
        var x = Naive.RandomTensor(21, 2, 19, 5, 3);
        x.Data[0] = -100f; x.Data[1] = 100f; x.Data[2] = 0f; x.Data[3] = -20f;
        var t = BlockedTensor.From(x);
        new Silu(t).Run(WorkerPool.Inline);
        var y = t.ToTensor();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(Naive.Silu(x.Data[i]), y.Data[i], 1e-6);
        Conv2dTests.AssertHaloZero(t);

        var plain = new float[] { -3f, -0.5f, 0f, 0.25f, 7f };
        var outPlain = new float[5];
        Silu.Apply(plain, outPlain);
        for (int i = 0; i < 5; i++) Assert.Equal(Naive.Silu(plain[i]), outPlain[i], 1e-6);
    }

    [Fact]
    public void UpsampleRepeatsEachPixelTwiceInBothAxes()
    {
        var x = Naive.RandomTensor(22, 2, 17, 3, 5);
        var output = new BlockedTensor(2, 17, 6, 10);
        using var pool = new WorkerPool(2);
        new Upsample2x(BlockedTensor.From(x), output).Run(pool);
        var y = output.ToTensor();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 17; c++)
                for (int yy = 0; yy < 6; yy++)
                    for (int xx = 0; xx < 10; xx++)
                        Assert.Equal(x[n, c, yy / 2, xx / 2], y[n, c, yy, xx]);
        Conv2dTests.AssertHaloZero(output);
    }

    [Theory]
    [InlineData(32, 16)]
    [InlineData(16, 7)]
    [InlineData(5, 20)]   // first part not a multiple of 16: lanes shift
    public void ConcatStacksChannels(int ca, int cb)
    {
        var a = Naive.RandomTensor(23, 2, ca, 3, 7);
        var b = Naive.RandomTensor(24, 2, cb, 3, 7);
        var output = new BlockedTensor(2, ca + cb, 3, 7);
        using var pool = new WorkerPool(2);
        new Concat(BlockedTensor.From(a), BlockedTensor.From(b), output).Run(pool);
        var y = output.ToTensor();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < ca + cb; c++)
                for (int yy = 0; yy < 3; yy++)
                    for (int xx = 0; xx < 7; xx++)
                        Assert.Equal(c < ca ? a[n, c, yy, xx] : b[n, c - ca, yy, xx], y[n, c, yy, xx]);
        Conv2dTests.AssertHaloZero(output);
    }

    [Fact]
    public void AddSumsElementwise()
    {
        var a = Naive.RandomTensor(25, 1, 21, 4, 3);
        var b = Naive.RandomTensor(26, 1, 21, 4, 3);
        var o = new BlockedTensor(1, 21, 4, 3);
        Add.Run(BlockedTensor.From(a), BlockedTensor.From(b), o);
        var y = o.ToTensor();
        for (int i = 0; i < a.Length; i++) Assert.Equal(a.Data[i] + b.Data[i], y.Data[i]);
    }

    [Fact]
    public void LinearMatchesNaive()
    {
        int batch = 3, fin = 37, fout = 13;
        var x = Naive.Random(batch * fin, 27);
        var w = Naive.Random(fout * fin, 28);
        var bias = Naive.Random(fout, 29);
        var y = new float[batch * fout];
        Linear.Forward(x, w, bias, y, batch, fin, fout);
        for (int b = 0; b < batch; b++)
            for (int o = 0; o < fout; o++)
            {
                double acc = bias[o];
                for (int i = 0; i < fin; i++) acc += (double)w[o * fin + i] * x[b * fin + i];
                Assert.Equal(acc, y[b * fout + o], 1e-5);
            }
    }

    [Fact]
    public void TimestepEmbeddingMatchesHandComputedValues()
    {
        // dim 4: half 2, freqs [1, exp(-ln(10000)/2) = 0.01]; t = 10 → args [10, 0.1].
        var e = new float[8];
        TimestepEmbedding.Sinusoidal([10f, 0f], e, 4, flipSinToCos: true);
        Assert.Equal(Math.Cos(10), e[0], 1e-6);
        Assert.Equal(Math.Cos(0.1), e[1], 1e-6);
        Assert.Equal(Math.Sin(10), e[2], 1e-6);
        Assert.Equal(Math.Sin(0.1), e[3], 1e-6);
        Assert.Equal([1f, 1f, 0f, 0f], e[4..]);

        TimestepEmbedding.Sinusoidal([10f], e, 4, flipSinToCos: false);
        Assert.Equal(Math.Sin(10), e[0], 1e-6);
        Assert.Equal(Math.Cos(0.1), e[3], 1e-6);
    }
}
