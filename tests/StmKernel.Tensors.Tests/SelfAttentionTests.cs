using StmKernel.Tensors.Kernels;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Tests;

public class SelfAttentionTests
{
    [Theory]
    [InlineData(2, 24, 8, 3, 5)]   // heads straddle the 16-channel blocks
    [InlineData(1, 16, 4, 7, 1)]
    [InlineData(1, 32, 16, 2, 3)]
    public void MatchesNaiveSoftmaxAttention(int n, int c, int d, int h, int w)
    {
        var q = Naive.RandomTensor(31, n, c, h, w);
        var k = Naive.RandomTensor(32, n, c, h, w);
        var v = Naive.RandomTensor(33, n, c, h, w);
        for (int i = 0; i < q.Length; i++) q.Data[i] *= 3f; // peaky softmax
        var output = new BlockedTensor(n, c, h, w);
        using var pool = new WorkerPool(2);
        new SelfAttention(BlockedTensor.From(q), BlockedTensor.From(k), BlockedTensor.From(v), output, d).Run(pool);
        var y = output.ToTensor();

        int tokens = h * w;
        var expected = new Tensor(n, c, h, w);
        for (int s = 0; s < n; s++)
            for (int head = 0; head < c / d; head++)
                for (int i = 0; i < tokens; i++)
                {
                    var scores = new double[tokens];
                    for (int j = 0; j < tokens; j++)
                    {
                        double dot = 0;
                        for (int e = 0; e < d; e++)
                            dot += q[s, head * d + e, i / w, i % w] * (double)k[s, head * d + e, j / w, j % w];
                        scores[j] = dot / Math.Sqrt(d);
                    }
                    double max = scores.Max(), sum = scores.Sum(z => Math.Exp(z - max));
                    for (int e = 0; e < d; e++)
                    {
                        double acc = 0;
                        for (int j = 0; j < tokens; j++) acc += Math.Exp(scores[j] - max) / sum * v[s, head * d + e, j / w, j % w];
                        expected[s, head * d + e, i / w, i % w] = (float)acc;
                    }
                }
        Naive.AssertClose(expected, y, 1e-5, "attention");
        Conv2dTests.AssertHaloZero(output);
    }
}
