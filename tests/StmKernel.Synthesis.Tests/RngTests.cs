namespace StmKernel.Synthesis.Tests;

public class RngTests
{
    [Fact]
    public void SameSeedSameStreamDifferentSeedDifferentStream()
    {
        var a = new Rng(42); var b = new Rng(42); var c = new Rng(43);
        var sa = Enumerable.Range(0, 50).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(sa, Enumerable.Range(0, 50).Select(_ => b.NextUInt64()).ToArray());
        Assert.NotEqual(sa, Enumerable.Range(0, 50).Select(_ => c.NextUInt64()).ToArray());
    }

    [Fact]
    public void DerivedStreamsDependOnEveryKey()
    {
        long s = Rng.DeriveSeed(7, 1, 2);
        Assert.Equal(s, Rng.DeriveSeed(7, 1, 2));
        Assert.NotEqual(s, Rng.DeriveSeed(7, 2, 1));
        Assert.NotEqual(s, Rng.DeriveSeed(7, 1, 3));
        Assert.NotEqual(s, Rng.DeriveSeed(8, 1, 2));
        Assert.NotEqual(s, Rng.DeriveSeed(7, 1));
    }

    [Fact]
    public void UniformIntCoversItsRangeEvenly()
    {
        var rng = new Rng(1);
        var counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[rng.UniformInt(-3, 3) + 3]++;
        Stats.AssertCategorical(counts, Enumerable.Repeat(1.0 / 7, 7).ToArray(), "UniformInt(-3, 3)");
    }

    [Fact]
    public void UniformAndNormalHaveTheRightLaw()
    {
        var rng = new Rng(2);
        Stats.AssertUniform(Enumerable.Range(0, 5000).Select(_ => rng.Uniform(-2, 5)), -2, 5, "Uniform(-2, 5)");
        // Normal: bin counts against the exact normal probabilities.
        double[] edges = [-1.5, -0.5, 0.5, 1.5];
        var counts = new int[5];
        for (int i = 0; i < 20000; i++)
        {
            double z = rng.Normal();
            counts[edges.Count(e => z > e)]++;
        }
        var p = new double[5];
        for (int i = 0; i < 5; i++)
            p[i] = (i == 4 ? 1 : Stats.NormalCdf(edges[i])) - (i == 0 ? 0 : Stats.NormalCdf(edges[i - 1]));
        Stats.AssertCategorical(counts, p, "Normal()");
    }

    [Fact]
    public void PoissonMeanAndVariance()
    {
        var rng = new Rng(3);
        foreach (double mean in new[] { 3.0, 200.0 })
        {
            var x = Enumerable.Range(0, 4000).Select(_ => (double)rng.Poisson(mean)).ToArray();
            double m = x.Average(), v = x.Select(t => (t - m) * (t - m)).Average();
            Assert.InRange(m, mean - 4 * Math.Sqrt(mean / 4000), mean + 4 * Math.Sqrt(mean / 4000));
            Assert.InRange(v / mean, 0.9, 1.1);
        }
    }
}
