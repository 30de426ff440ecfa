using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class DdimSamplerTests
{
    [Theory]
    [InlineData(TimestepSpacing.Trailing, 1, new[] { 999 })]
    [InlineData(TimestepSpacing.Trailing, 2, new[] { 999, 499 })]
    [InlineData(TimestepSpacing.Trailing, 3, new[] { 999, 666, 332 })]
    [InlineData(TimestepSpacing.Trailing, 5, new[] { 999, 799, 599, 399, 199 })]
    [InlineData(TimestepSpacing.Leading, 2, new[] { 500, 0 })]
    [InlineData(TimestepSpacing.Leading, 3, new[] { 666, 333, 0 })]
    [InlineData(TimestepSpacing.Linspace, 1, new[] { 0 })]
    [InlineData(TimestepSpacing.Linspace, 2, new[] { 999, 0 })]
    [InlineData(TimestepSpacing.Linspace, 3, new[] { 999, 500, 0 })]
    public void TimestepsFollowDiffusersSpacing(TimestepSpacing spacing, int steps, int[] expected)
    {
        var sampler = new DdimSampler(TestData.Ddim(spacing: spacing));
        Assert.Equal(expected, sampler.Timesteps(steps));
    }

    [Fact]
    public void TrailingTimestepsAreEvenlySpacedForTen()
    {
        Assert.Equal(Enumerable.Range(0, 10).Select(k => 999 - 100 * k), new DdimSampler(TestData.Ddim()).Timesteps(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DdimSampler(TestData.Ddim()).Timesteps(1001));
    }

    [Theory]
    [InlineData(2, true, TimestepSpacing.Trailing)]
    [InlineData(3, true, TimestepSpacing.Trailing)]
    [InlineData(5, false, TimestepSpacing.Trailing)]
    [InlineData(10, true, TimestepSpacing.Trailing)]
    [InlineData(50, false, TimestepSpacing.Trailing)]
    [InlineData(1000, true, TimestepSpacing.Trailing)]
    [InlineData(2, false, TimestepSpacing.Leading)]
    [InlineData(7, true, TimestepSpacing.Linspace)]
    public void PointMassDataIsRecoveredForEveryStepCount(int steps, bool clip, TimestepSpacing spacing)
    {
        var settings = TestData.Ddim(steps, clip, spacing);
        var (c, result, oracle) = RunPointMass(settings, steps);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c.Data[i], result.Data[i], 2e-6f);
        Assert.Equal(steps, oracle.TimestepsSeen.Count);
    }

    [Fact]
    public void OneStepFromPureNoiseIsIllConditionedButClose()
    {
        // K = 1 predicts x0 from t = 999 directly: x̂0 = (x − √(1−ᾱ)ε̂)/√ᾱ with √ᾱ_999 = 4.9e-5, so the float32
        // rounding of ε̂ (~6e-8) is amplified 2·10⁴ times. Every K ≥ 2 re-derives x0 at a later step.
        var (c, result, _) = RunPointMass(TestData.Ddim(1), 1);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c.Data[i], result.Data[i], 5e-3f);
    }

    [Fact]
    public void ClippingKeepsTheCleanEstimateInTheTrainingRange()
    {
        var cond = new Tensor(1, 1, 4, 4);
        Array.Fill(cond.Data, 1.5f);   // a point mass outside [−1, 1]
        foreach (bool clip in new[] { true, false })
        {
            var x = TestData.Noise(3, 1, 1, 4, 4);
            new DdimSampler(TestData.Ddim(4, clip)).Sample(new PointMassOracle(TestData.Ddim(4, clip)), cond, x, 4);
            foreach (float v in x.Data) Assert.Equal(clip ? 1f : 1.5f, v, 1e-5f);
        }
    }

    [Fact]
    public void PassesIntegerTimestepsTimesTheTimeScale()
    {
        var settings = TestData.Ddim(3) with { TimeScale = 2 };
        var oracle = new PointMassOracle(settings);
        new DdimSampler(settings).Sample(oracle, new Tensor(2, 1, 4, 4), TestData.Noise(1, 2, 1, 4, 4), 3);
        Assert.Equal(new[] { new[] { 1998f, 1998f }, new[] { 1332f, 1332f }, new[] { 664f, 664f } }, oracle.TimestepsSeen);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    public void GaussianDataMeanIsExactAndVarianceMatchesTheDiscreteChain(int steps)
    {
        const double mu = 0.3, sigma = 0.2;
        var settings = TestData.Ddim(steps, clip: false);
        var (mean, variance, n) = SampleGaussian(settings, mu, sigma, steps);

        // With the ideal ε̂ every DDIM step is affine in the deviation d = x_t − √ᾱ_t μ:
        // d_prev = d·(√(ᾱ_prev ᾱ) σ² + √((1−ᾱ_prev)(1−ᾱ)))/(ᾱσ² + 1 − ᾱ); d starts with variance 1.
        var schedule = new CosineSchedule(1000);
        int[] ts = new DdimSampler(settings).Timesteps(steps);
        double factor = 1;
        for (int k = 0; k < steps; k++)
        {
            double ab = schedule.AlphaBar[ts[k]], abPrev = schedule.AlphaBarOrOne(k + 1 < steps ? ts[k + 1] : -1);
            factor *= (Math.Sqrt(abPrev * ab) * sigma * sigma + Math.Sqrt((1 - abPrev) * (1 - ab))) / (ab * sigma * sigma + 1 - ab);
        }
        double expectedVariance = factor * factor;
        Assert.Equal(mu, mean, 5 * Math.Sqrt(expectedVariance / n) + 1e-4);
        Assert.Equal(expectedVariance, variance, 0.06 * expectedVariance);
    }

    [Fact]
    public void GaussianDataVarianceConvergesToTheDataVarianceWithManySteps()
    {
        const double mu = -0.2, sigma = 0.3;
        var (mean, variance, n) = SampleGaussian(TestData.Ddim(200, clip: false), mu, sigma, 200);
        Assert.Equal(mu, mean, 5 * sigma / Math.Sqrt(n));
        Assert.Equal(sigma * sigma, variance, 0.06 * sigma * sigma);
    }

    internal static (Tensor C, Tensor Result, PointMassOracle Oracle) RunPointMass(SamplerSettings settings, int steps)
    {
        var c = new Tensor(3, 1, 6, 5);
        for (int i = 0; i < c.Length; i++) c.Data[i] = (float)(0.9 * Math.Sin(1.7 * i + 0.3));
        var x = TestData.Noise(11, 3, 1, 6, 5);
        var oracle = new PointMassOracle(settings);
        Sampler.Create(settings).Sample(oracle, c, x, steps);
        return (c, x, oracle);
    }

    /// <summary>Samples 8 × 32 × 32 independent pixels; returns their mean, variance and count.</summary>
    internal static (double Mean, double Variance, int N) SampleGaussian(SamplerSettings settings, double mu, double sigma, int steps)
    {
        var x = TestData.Noise(2024, 8, 1, 32, 32);
        Sampler.Create(settings).Sample(new GaussianOracle(settings, mu, sigma), new Tensor(8, 1, 32, 32), x, steps);
        double sum = 0, sq = 0;
        foreach (float v in x.Data) { sum += v; sq += (double)v * v; }
        int n = x.Length;
        double mean = sum / n;
        return (mean, (sq - n * mean * mean) / (n - 1), n);
    }
}
