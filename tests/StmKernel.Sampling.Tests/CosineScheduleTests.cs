using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class CosineScheduleTests
{
    private static readonly CosineSchedule Schedule = new(1000);

    [Theory]
    // Hand values: f(τ) = cos²((τ + 0.008)/1.008 · π/2) evaluated with Python's math module; the product of
    // (1 − β_i) telescopes to f((t+1)/T)/f(0) wherever β is not clipped.
    [InlineData(0, 0.999958715775178)]
    [InlineData(1, 0.9999125759273678)]
    [InlineData(499, 0.49384359044063775)]
    [InlineData(998, 2.428766907034851e-06)]
    public void AlphaBarMatchesHandComputedEntries(int t, double expected)
    {
        Assert.Equal(expected, Schedule.AlphaBar[t], expected * 1e-12);
    }

    [Fact]
    public void LastBetaIsClippedAndOnlyIt()
    {
        Assert.Equal(CosineSchedule.MaxBeta, Schedule.Beta[999]);
        Assert.Equal(2.428766907034851e-06 * (1 - 0.999), Schedule.AlphaBar[999], 1e-20);
        for (int i = 0; i < 999; i++) Assert.True(Schedule.Beta[i] < CosineSchedule.MaxBeta);
        Assert.Equal(4.128422482196914e-05, Schedule.Beta[0], 1e-15);
        Assert.Equal(0.7499993929011166, Schedule.Beta[998], 1e-12);
    }

    [Fact]
    public void AlphaBarTelescopesToTheContinuousSchedule()
    {
        for (int t = 0; t < 999; t++)
            Assert.Equal(CosineSchedule.F((t + 1) / 1000.0) / CosineSchedule.F(0), Schedule.AlphaBar[t], 1e-12);
    }

    [Fact]
    public void AlphaBarDecreasesStrictlyAndOneBeforeTheStart()
    {
        for (int t = 1; t < 1000; t++) Assert.True(Schedule.AlphaBar[t] < Schedule.AlphaBar[t - 1]);
        Assert.Equal(1.0, Schedule.AlphaBarOrOne(-1));
    }
}
