using StmKernel.Sampling;

namespace StmKernel.Sampling.Tests;

public class GaussianNoiseTests
{
    [Fact]
    public void SplitMix64MatchesThePublishedSequence()
    {
        // Seed 1234567: the test vector used by the xoshiro authors' and rand_xoshiro's tests.
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong e in expected) Assert.Equal(e, GaussianNoise.SplitMix64(ref state));
    }

    [Fact]
    public void Xoshiro256StarStarMatchesTheReferenceSequence()
    {
        var g = new GaussianNoise(1UL, 2UL, 3UL, 4UL);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600];
        foreach (ulong e in expected) Assert.Equal(e, g.NextUInt64());
    }

    [Theory]
    // From tools/reference/gaussian_noise.py (Python transcription using math.log).
    [InlineData(0UL, 0UL, new[] { 0.5981026291847229f, 1.4634599685668945f, -0.8950525522232056f, -0.18806277215480804f, -2.415606737136841f, 1.1072094440460205f, -0.762640655040741f, 0.3002147376537323f })]
    [InlineData(42UL, 0UL, new[] { -0.726219117641449f, -0.2111969143152237f, 0.22162270545959473f, 0.5227717161178589f, 0.46417731046676636f, 0.7409788966178894f, 1.4762494564056396f, 0.4707591235637665f })]
    [InlineData(42UL, 1UL, new[] { 1.1166659593582153f, 0.8531197309494019f, 0.9208258986473083f, -0.6778870820999146f, 0.006683607120066881f, -0.8573769927024841f, -0.0054761976934969425f, 0.7643879652023315f })]
    public void NormalsAreBitIdenticalToTheReference(ulong seed, ulong stream, float[] expected)
    {
        var actual = new float[expected.Length];
        new GaussianNoise(seed, stream).Fill(actual);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
    }

    [Fact]
    public void LnAgreesWithMathLogToAFewUlp()
    {
        var g = new GaussianNoise(7);
        for (int i = 0; i < 20000; i++)
        {
            double x = Math.Pow(2, 60 * g.NextUniform() - 30) * (1 + g.NextUniform());
            double expected = Math.Log(x);
            Assert.True(Math.Abs(GaussianNoise.Ln(x) - expected) <= 4e-16 * Math.Max(1, Math.Abs(expected)), $"Ln({x:R})");
        }
        Assert.Equal(0.0, GaussianNoise.Ln(1.0));
        Assert.Equal(Math.Log(1e-310), GaussianNoise.Ln(1e-310), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianNoise.Ln(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianNoise.Ln(double.NaN));
    }

    [Fact]
    public void MomentsAndTailMassAreStandardNormal()
    {
        const int n = 200_000;
        var g = new GaussianNoise(123);
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        int belowOne = 0;
        for (int i = 0; i < n; i++)
        {
            double z = g.NextGaussian();
            s1 += z; s2 += z * z; s3 += z * z * z; s4 += z * z * z * z;
            if (z < 1) belowOne++;
        }
        double mean = s1 / n, variance = s2 / n - mean * mean;
        Assert.InRange(mean, -0.01, 0.01);              // SE 0.0022
        Assert.InRange(variance, 0.99, 1.01);           // SE 0.0032
        Assert.InRange(s3 / n, -0.03, 0.03);            // skewness, SE 0.0055
        Assert.InRange(s4 / n, 2.94, 3.06);             // kurtosis, SE 0.011
        Assert.InRange(belowOne / (double)n, 0.8413 - 0.004, 0.8413 + 0.004);  // Φ(1), SE 0.0008
    }

    [Fact]
    public void StreamsAndSeedsDiffer()
    {
        var a = new float[64];
        var b = new float[64];
        var c = new float[64];
        new GaussianNoise(5, 0).Fill(a);
        new GaussianNoise(5, 1).Fill(b);
        new GaussianNoise(6, 0).Fill(c);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
        var again = new float[64];
        new GaussianNoise(5, 0).Fill(again);
        Assert.Equal(a, again);
    }
}
