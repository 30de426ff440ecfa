using StmKernel.UNet.Weights;
using StmKernel.Sampling;
using StmKernel.Tensors;

namespace StmKernel.Sampling.Tests;

public class FlowMatchingSamplerTests
{
    [Theory]
    [InlineData(OdeSolver.Euler, 1)]
    [InlineData(OdeSolver.Euler, 2)]
    [InlineData(OdeSolver.Euler, 3)]
    [InlineData(OdeSolver.Euler, 10)]
    [InlineData(OdeSolver.Euler, 100)]
    [InlineData(OdeSolver.Rk2, 1)]
    [InlineData(OdeSolver.Rk2, 2)]
    [InlineData(OdeSolver.Rk2, 5)]
    [InlineData(OdeSolver.Rk2, 10)]
    [InlineData(OdeSolver.Rk2, 100)]
    public void PointMassDataIsRecoveredForEveryStepCount(OdeSolver solver, int steps)
    {
        var settings = TestData.Fm(solver, steps);
        var (c, result, oracle) = DdimSamplerTests.RunPointMass(settings, steps);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c.Data[i], result.Data[i], 1e-5f);
        Assert.Equal(settings.EvaluationsPerSample(steps), oracle.TimestepsSeen.Count);
    }

    [Theory]
    [InlineData(OdeSolver.Euler, 3)]
    [InlineData(OdeSolver.Rk2, 2)]
    public void BridgeRecoversPointMassDataFromTheCondition(OdeSolver solver, int steps)
    {
        var settings = SamplerSettings.FlowMatchingBridge with { Solver = solver };
        var (c, result, _) = DdimSamplerTests.RunPointMass(settings, steps);
        for (int i = 0; i < c.Length; i++) Assert.Equal(c.Data[i], result.Data[i], 1e-5f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AZeroVelocityNetworkReturnsThePathsStart(bool fromCondition)
    {
        // v ≡ 0 leaves x at its start: ε for the paper's path, condition + σ·ε for the bridge.
        var settings = fromCondition ? SamplerSettings.FlowMatchingBridge with { StartNoise = 0.25 } : SamplerSettings.FlowMatching;
        var condition = TestData.Noise(7, 2, 1, 5, 3);
        var noise = TestData.Noise(8, 2, 1, 5, 3);
        var x = new Tensor(noise.Shape);
        noise.Data.CopyTo(x.Data, 0);
        var firstInput = new List<float>();
        new FlowMatchingSampler(settings).Sample(new ZeroVelocity(firstInput), condition, x, 2);
        for (int i = 0; i < x.Length; i++)
        {
            float expected = fromCondition ? condition.Data[i] + 0.25f * noise.Data[i] : noise.Data[i];
            Assert.Equal(expected, x.Data[i], 1e-6f);
        }
        Assert.Equal(x.Length, firstInput.Count / 2);
    }

    /// <summary>Predicts 0 and keeps the x_t channel of its first call.</summary>
    private sealed class ZeroVelocity(List<float> firstInput) : IDenoiser
    {
        public int MaxBatch => 8;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            if (firstInput.Count == 0) firstInput.AddRange(input.Data);
            Array.Clear(output.Data);
        }
    }

    [Fact]
    public void Rk2EvaluatesAtStepStartsAndMidpointsTimesTheTimeScale()
    {
        var settings = TestData.Fm(OdeSolver.Rk2);
        var oracle = new PointMassOracle(settings);
        var counter = new CountingDenoiser(oracle);
        new FlowMatchingSampler(settings).Sample(counter, new Tensor(3, 1, 4, 4), TestData.Noise(1, 3, 1, 4, 4), 2);
        Assert.Equal(new[] { 0f, 250f, 500f, 750f }, oracle.TimestepsSeen.Select(t => t.Distinct().Single()));
        Assert.Equal(12, counter.Evaluations);
        Assert.Equal(4, counter.Calls);
    }

    [Fact]
    public void EulerEvaluatesAtStepStarts()
    {
        var settings = TestData.Fm(OdeSolver.Euler) with { TimeScale = 1 };
        var oracle = new PointMassOracle(settings);
        new FlowMatchingSampler(settings).Sample(oracle, new Tensor(1, 1, 4, 4), TestData.Noise(1, 1, 1, 4, 4), 4);
        Assert.Equal(new[] { 0f, 0.25f, 0.5f, 0.75f }, oracle.TimestepsSeen.Select(t => t.Single()));
    }

    [Theory]
    [InlineData(OdeSolver.Euler, 2)]
    [InlineData(OdeSolver.Euler, 5)]
    [InlineData(OdeSolver.Euler, 10)]
    [InlineData(OdeSolver.Rk2, 2)]
    [InlineData(OdeSolver.Rk2, 5)]
    [InlineData(OdeSolver.Rk2, 10)]
    public void GaussianDataMeanIsExactAndVarianceMatchesTheDiscreteScheme(OdeSolver solver, int steps)
    {
        const double mu = 0.3, sigma = 0.2;
        var (mean, variance, n) = DdimSamplerTests.SampleGaussian(TestData.Fm(solver, steps), mu, sigma, steps);

        // The ideal velocity is affine in d = x − tμ: v = μ + b(t)·d with b = (tσ² − (1−t))/(t²σ² + (1−t)²),
        // so Euler scales d by 1 + Δ·b(t) and RK2 by 1 + Δ·b(t + Δ/2)(1 + Δ/2·b(t)); d starts with variance 1.
        double B(double t) => (t * sigma * sigma - (1 - t)) / (t * t * sigma * sigma + (1 - t) * (1 - t));
        double dt = 1.0 / steps, factor = 1;
        for (int k = 0; k < steps; k++)
        {
            double t = k * dt;
            factor *= solver == OdeSolver.Euler ? 1 + dt * B(t) : 1 + dt * B(t + dt / 2) * (1 + dt / 2 * B(t));
        }
        double expectedVariance = factor * factor;
        Assert.Equal(mu, mean, 5 * Math.Sqrt(expectedVariance / n) + 1e-5);
        Assert.Equal(expectedVariance, variance, 0.06 * expectedVariance + 1e-9);
    }

    [Fact]
    public void GaussianDataVarianceConvergesToTheDataVarianceWithManySteps()
    {
        const double mu = -0.2, sigma = 0.3;
        var (mean, variance, n) = DdimSamplerTests.SampleGaussian(TestData.Fm(OdeSolver.Rk2, 30), mu, sigma, 30);
        Assert.Equal(mu, mean, 5 * sigma / Math.Sqrt(n));
        Assert.Equal(sigma * sigma, variance, 0.06 * sigma * sigma);
    }

    [Fact]
    public void RejectsMismatchedShapesAndOversizedBatches()
    {
        var sampler = new FlowMatchingSampler(TestData.Fm(OdeSolver.Rk2));
        var oracle = new PointMassOracle(TestData.Fm(OdeSolver.Rk2), maxBatch: 2);
        Assert.Throws<ArgumentException>(() => sampler.Sample(oracle, new Tensor(1, 1, 4, 4), new Tensor(1, 1, 4, 5), 2));
        Assert.Throws<ArgumentException>(() => sampler.Sample(oracle, new Tensor(3, 1, 4, 4), new Tensor(3, 1, 4, 4), 2));
        Assert.Throws<ArgumentException>(() => sampler.Sample(oracle, new Tensor(1, 2, 4, 4), new Tensor(1, 2, 4, 4), 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample(oracle, new Tensor(1, 1, 4, 4), new Tensor(1, 1, 4, 4), 0));
    }

    /// <summary>Records the network input of every call and predicts zero velocity (the sample stays at its start).</summary>
    private sealed class RecordingDenoiser : IDenoiser
    {
        public List<float[]> Inputs { get; } = [];
        public int MaxBatch => 4;

        public void Predict(Tensor input, ReadOnlySpan<float> timesteps, Tensor output)
        {
            Inputs.Add((float[])input.Data.Clone());
            Array.Clear(output.Data);
        }
    }

    [Fact]
    public void ConditionChannelsFollowTheSampleAndTheStartIsChannelZero()
    {
        // Two samples of 3×5 with a 2-channel condition: the network sees [x, c0, c1] per sample, and a condition start
        // begins at c0 (+ σ·noise), never at c1 or at the other sample's planes.
        const int b = 2, c = 2, plane = 15;
        var condition = new Tensor(b, c, 3, 5);
        for (int i = 0; i < condition.Length; i++) condition.Data[i] = i;
        var x = new Tensor(b, 1, 3, 5);
        var noise = new float[x.Length];
        new GaussianNoise(3).Fill(noise);
        noise.CopyTo(x.Data, 0);
        var settings = SamplerSettings.FlowMatchingBridge with { StartNoise = 0.5 };
        var net = new RecordingDenoiser();
        Sampler.Create(settings).Sample(net, condition, x, steps: 1);

        var first = net.Inputs[0];
        Assert.Equal(b * (1 + c) * plane, first.Length);
        for (int n = 0; n < b; n++)
            for (int i = 0; i < plane; i++)
            {
                float start = condition.Data[n * c * plane + i] + 0.5f * noise[n * plane + i];
                Assert.Equal(start, first[(n * 3) * plane + i], 1e-5);
                Assert.Equal(condition.Data[(n * c) * plane + i], first[(n * 3 + 1) * plane + i]);
                Assert.Equal(condition.Data[(n * c + 1) * plane + i], first[(n * 3 + 2) * plane + i]);
                Assert.Equal(start, x.Data[n * plane + i], 1e-5); // zero velocity: the sample ends where it began
            }
    }
}
