using StmKernel.UNet.Weights;
using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

/// <summary>v-prediction (Salimans &amp; Ho 2022) and the zero-terminal-SNR schedule (Lin et al. 2024) in DDIM.</summary>
public class VPredictionTests
{
    private static SamplerSettings V(bool zeroSnr, int steps = 2, bool clip = true) =>
        SamplerSettings.Ddim with { Prediction = PredictionType.VPrediction, ZeroTerminalSnr = zeroSnr, DefaultSteps = steps, ClipSample = clip };

    // (√ᾱ, √(1−ᾱ), x0, ε, v, x_t), worked by hand: v = √ᾱ ε − √(1−ᾱ) x0, x_t = √ᾱ x0 + √(1−ᾱ) ε.
    [Theory]
    [InlineData(0.6, 0.8, 0.5, -1.0, -1.0, -0.5)]      // ᾱ = 0.36: v = −0.6 − 0.4, x_t = 0.3 − 0.8
    [InlineData(0.8, 0.6, -0.25, 2.0, 1.75, 1.0)]      // ᾱ = 0.64: v = 1.6 + 0.15, x_t = −0.2 + 1.2
    [InlineData(0.0, 1.0, 0.7, 0.3, -0.7, 0.3)]        // ᾱ = 0 (zero terminal SNR): v = −x0, x_t = ε
    [InlineData(1.0, 0.0, 0.7, 0.3, 0.3, 0.7)]         // ᾱ = 1: v = ε, x_t = x0
    public void VIdentitiesHoldAtHandComputedPoints(double sa, double sb, double x0, double eps, double v, double xt)
    {
        Assert.Equal(v, DdimSampler.VTarget(sa, sb, x0, eps), 12);
        Assert.Equal(x0, DdimSampler.CleanFromV(sa, sb, xt, v), 12);
        Assert.Equal(eps, DdimSampler.NoiseFromV(sa, sb, xt, v), 12);
    }

    [Fact]
    public void ZeroTerminalSnrScheduleMatchesANaiveRescale()
    {
        var plain = new CosineSchedule(1000);
        var zero = new CosineSchedule(1000, zeroTerminalSnr: true);
        Assert.True(zero.ZeroTerminalSnr);
        Assert.False(plain.ZeroTerminalSnr);

        // Naive: β from the cosine f, ᾱ by cumulative product, then diffusers' rescale_zero_terminal_snr on √ᾱ.
        var ab = new double[1000];
        double prod = 1;
        for (int i = 0; i < 1000; i++)
        {
            double f0 = Math.Pow(Math.Cos((i / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            double f1 = Math.Pow(Math.Cos(((i + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            prod *= 1 - Math.Min(1 - f1 / f0, 0.999);
            ab[i] = prod;
        }
        double a0 = Math.Sqrt(ab[0]), aT = Math.Sqrt(ab[999]);
        for (int i = 0; i < 1000; i++)
        {
            double s = (Math.Sqrt(ab[i]) - aT) * (a0 / (a0 - aT));
            Assert.Equal(s * s, zero.AlphaBar[i], 1e-12);
            Assert.Equal(ab[i], plain.AlphaBar[i], 1e-12);
        }

        Assert.Equal(0.0, zero.AlphaBar[999]);                        // √ᾱ_T = 0 exactly
        Assert.Equal(plain.AlphaBar[0], zero.AlphaBar[0]);            // √ᾱ_0 kept exactly
        Assert.Equal(1.0, zero.Beta[999]);
        Assert.True(plain.AlphaBar[999] > 0);
        for (int i = 1; i < 1000; i++)
        {
            Assert.True(zero.AlphaBar[i] < zero.AlphaBar[i - 1], $"ᾱ not decreasing at {i}");
            Assert.True(zero.AlphaBar[i] <= plain.AlphaBar[i]);        // the shift only lowers the SNR
            Assert.InRange(zero.Beta[i], 0, 1);
            Assert.Equal(1 - zero.AlphaBar[i] / zero.AlphaBar[i - 1], zero.Beta[i], 1e-15);
        }
        // The rescale is mild away from the end: √ᾱ_T was 4.9e-5.
        Assert.Equal(plain.AlphaBar[499], zero.AlphaBar[499], 1e-4);
    }

    [Fact]
    public void SettingsPickTheSchedule()
    {
        var plain = new CosineSchedule(1000);
        Assert.Equal(plain.AlphaBar.ToArray(), CosineSchedule.For(SamplerSettings.Ddim).AlphaBar.ToArray());
        Assert.Equal(plain.Beta.ToArray(), CosineSchedule.For(SamplerSettings.Ddim).Beta.ToArray());
        Assert.Equal(new CosineSchedule(1000, true).AlphaBar.ToArray(), CosineSchedule.For(SamplerSettings.DdimV).AlphaBar.ToArray());
        Assert.Equal(0.0, new DdimSampler(SamplerSettings.DdimV).Schedule.AlphaBar[999]);
        Assert.True(new DdimSampler(SamplerSettings.Ddim).Schedule.AlphaBar[999] > 0);
        Assert.Equal(0.0, new CosineSchedule(10, true).AlphaBar[9]);
    }

    [Fact]
    public void EpsilonWithZeroTerminalSnrIsRefused()
    {
        Assert.Throws<InvalidDataException>(() => new DdimSampler(SamplerSettings.Ddim with { ZeroTerminalSnr = true }));
    }

    [Theory]
    [InlineData(1, false, true)]
    [InlineData(2, false, true)]
    [InlineData(5, false, false)]
    [InlineData(10, false, true)]
    [InlineData(1, true, true)]
    [InlineData(2, true, false)]
    [InlineData(5, true, true)]
    [InlineData(10, true, false)]
    [InlineData(50, true, true)]
    public void ExactVRecoversThePointMassForEveryStepCount(int steps, bool zeroSnr, bool clip)
    {
        // Unlike ε (OneStepFromPureNoiseIsIllConditionedButClose: 5e-3 at K = 1), v is well conditioned at t = 999.
        var settings = V(zeroSnr, steps, clip);
        var c = new Tensor(3, 1, 6, 5);
        for (int i = 0; i < c.Length; i++) c.Data[i] = (float)(0.9 * Math.Sin(1.7 * i + 0.3));
        var x = TestData.Noise(11, 3, 1, 6, 5);
        var oracle = new PointMassVOracle(settings);
        Sampler.Create(settings).Sample(oracle, c, x, steps);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c.Data[i], x.Data[i], 1e-5f);
        Assert.Equal(steps, oracle.Calls);
    }

    [Theory]
    [InlineData(-0.3f, false, 0.3f)]
    [InlineData(0.45f, true, -0.45f)]
    [InlineData(-1.7f, true, 1f)]       // x̂0 = 1.7, clipped
    [InlineData(-1.7f, false, 1.7f)]
    public void FirstStepFromPureNoiseIsMinusV(float v, bool clip, float expected)
    {
        // Zero terminal SNR, K = 1: x̂0 = √ᾱ x − √(1−ᾱ) v̂ with ᾱ = 0 is −v̂, whatever the noise.
        var x = TestData.Noise(5, 2, 1, 4, 4);
        new DdimSampler(V(true, 1, clip)).Sample(new ConstantDenoiser(v), new Tensor(2, 1, 4, 4), x, 1);
        foreach (float r in x.Data) Assert.Equal(expected, r);
    }

    [Fact]
    public void TwoStepsFollowTheUpdateByHand()
    {
        // ZTSNR, K = 2 (t = 999, 499), constant v̂ = 0.2, no clipping:
        // step 1 (ᾱ = 0): x̂0 = −0.2, ε̂ = x → x' = √ᾱ_499·(−0.2) + √(1−ᾱ_499)·x;
        // step 2 (ᾱ_499 → 1): x̂0 = √ᾱ_499·x' − √(1−ᾱ_499)·0.2.
        var settings = V(true, 2, clip: false);
        var sampler = new DdimSampler(settings);
        double a = Math.Sqrt(sampler.Schedule.AlphaBar[499]), b = Math.Sqrt(1 - sampler.Schedule.AlphaBar[499]);
        var x = TestData.Noise(8, 1, 1, 3, 3);
        float[] start = (float[])x.Data.Clone();
        sampler.Sample(new ConstantDenoiser(0.2f), new Tensor(1, 1, 3, 3), x, 2);
        for (int i = 0; i < x.Length; i++)
        {
            double x1 = (float)(a * -0.2 + b * start[i]);
            Assert.Equal(a * x1 - b * 0.2, x.Data[i], 1e-6);
        }
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(10, false)]
    [InlineData(5, true)]
    [InlineData(10, true)]
    public void GaussianDataMeanIsExactAndVarianceMatchesTheDiscreteChain(int steps, bool zeroSnr)
    {
        // With the ideal v̂ the implied ε̂ is the ideal one, so the chain is DdimSamplerTests' affine one on this schedule.
        const double mu = 0.3, sigma = 0.2;
        var settings = V(zeroSnr, steps, clip: false);
        var x = TestData.Noise(2024, 8, 1, 32, 32);
        Sampler.Create(settings).Sample(new GaussianVOracle(settings, mu, sigma), new Tensor(8, 1, 32, 32), x, steps);
        double sum = 0, sq = 0;
        foreach (float v in x.Data) { sum += v; sq += (double)v * v; }
        int n = x.Length;
        double mean = sum / n, variance = (sq - n * mean * mean) / (n - 1);

        var schedule = CosineSchedule.For(settings);
        int[] ts = new DdimSampler(settings).Timesteps(steps);
        double factor = 1;
        for (int k = 0; k < steps; k++)
        {
            double ab = schedule.AlphaBar[ts[k]], abPrev = schedule.AlphaBarOrOne(k + 1 < steps ? ts[k + 1] : -1);
            factor *= (Math.Sqrt(abPrev * ab) * sigma * sigma + Math.Sqrt((1 - abPrev) * (1 - ab))) / (ab * sigma * sigma + 1 - ab);
        }
        double expected = factor * factor;
        Assert.Equal(mu, mean, 5 * Math.Sqrt(expected / n) + 1e-4);
        Assert.Equal(expected, variance, 0.06 * expected);
    }

    /// <summary>The exact v for data = the condition (a point mass per pixel), on the settings' schedule.</summary>
    private sealed class PointMassVOracle(SamplerSettings settings) : IDenoiser
    {
        private readonly CosineSchedule _schedule = CosineSchedule.For(settings);

        public int MaxBatch => 64;

        public int Calls { get; private set; }

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            Calls++;
            int b = input.Dim(0), plane = input.Dim(2) * input.Dim(3);
            for (int n = 0; n < b; n++)
            {
                double ab = _schedule.AlphaBar[(int)Math.Round(timesteps[n] / settings.TimeScale)], sa = Math.Sqrt(ab), sb = Math.Sqrt(1 - ab);
                for (int i = 0; i < plane; i++)
                {
                    double x = input.Data[2 * n * plane + i], c = input.Data[(2 * n + 1) * plane + i];
                    double eps = (x - sa * c) / sb;
                    output.Data[n * plane + i] = (float)(sa * eps - sb * c);
                }
            }
        }
    }

    /// <summary>E[v | x_t] for data ~ N(μ, σ²) per pixel: √ᾱ E[ε | x_t] − √(1−ᾱ) E[x0 | x_t].</summary>
    private sealed class GaussianVOracle(SamplerSettings settings, double mu, double sigma) : IDenoiser
    {
        private readonly CosineSchedule _schedule = CosineSchedule.For(settings);

        public int MaxBatch => 64;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            int b = input.Dim(0), plane = input.Dim(2) * input.Dim(3);
            for (int n = 0; n < b; n++)
            {
                double ab = _schedule.AlphaBar[(int)Math.Round(timesteps[n] / settings.TimeScale)], sa = Math.Sqrt(ab), sb = Math.Sqrt(1 - ab);
                double var = ab * sigma * sigma + 1 - ab;
                for (int i = 0; i < plane; i++)
                {
                    double d = input.Data[2 * n * plane + i] - sa * mu;
                    double eps = sb * d / var, x0 = mu + sa * sigma * sigma * d / var;
                    output.Data[n * plane + i] = (float)(sa * eps - sb * x0);
                }
            }
        }
    }

    /// <summary>Predicts the same value everywhere.</summary>
    private sealed class ConstantDenoiser(float value) : IDenoiser
    {
        public int MaxBatch => 64;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output) => Array.Fill(output.Data, value);
    }
}
