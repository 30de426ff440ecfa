using StmKernel.UNet.Weights;
using StmKernel.Tensors;
using StmKernel.Sampling;
using StmKernel.Train.Objectives;

namespace StmKernel.Train.Tests;

public class ObjectiveTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FlowMatchingTargetIsTheVelocityFromThePathsStart(bool fromCondition)
    {
        var (clean, cond) = TinyModel.Batch(3, 8, 1);
        var fm = new FlowMatchingObjective(fromCondition ? SamplerSettings.FlowMatchingBridge : null);
        Assert.Equal(fromCondition ? "fm-bridge" : "fm", fm.Name);
        var input = new Tensor(3, 2, 8, 8);
        var t = new float[3];
        fm.Prepare(clean, cond, new SeededRandom(5), input, t);
        // The noise start's ε for the same seed: the bridge must start at condition + 0.1·(that ε).
        var noiseStart = new Tensor(3, 2, 8, 8);
        new FlowMatchingObjective().Prepare(clean, cond, new SeededRandom(5), noiseStart, new float[3]);
        // Recover the start x0 from x_t = t·x1 + (1 − t)·x0 and feed the exact velocity x1 − x0: the loss must vanish.
        var v = new Tensor(3, 1, 8, 8);
        for (int n = 0; n < 3; n++)
        {
            double tt = t[n] / 1000.0;
            Assert.InRange(tt, 0, 1);
            for (int i = 0; i < 64; i++)
            {
                double xt = input.Data[(2 * n) * 64 + i], x1 = clean.Data[n * 64 + i], c = cond.Data[n * 64 + i];
                Assert.Equal(c, input.Data[(2 * n + 1) * 64 + i]);
                double start = (xt - tt * x1) / (1 - tt);
                double eps = (noiseStart.Data[(2 * n) * 64 + i] - tt * x1) / (1 - tt);
                Assert.Equal(fromCondition ? c + 0.1 * eps : eps, start, 1e-3);
                v.Data[n * 64 + i] = (float)(x1 - start);
            }
        }
        var grad = new Tensor(3, 1, 8, 8);
        Assert.InRange(fm.Loss(v, grad), 0, 1e-8);
        // A wrong prediction costs its squared error.
        var zero = new Tensor(3, 1, 8, 8);
        double expected = v.Data.Average(a => (double)a * a);
        Assert.Equal(expected, fm.Loss(zero, grad), 4);
    }

    [Fact]
    public void FlowMatchingRefusesDiffusionSettings() =>
        Assert.Throws<ArgumentException>(() => new FlowMatchingObjective(SamplerSettings.Ddim));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DiffusionTargetIsTheNoise(bool fourier)
    {
        var (clean, cond) = TinyModel.Batch(2, 8, 2);
        var dm = new DiffusionObjective(fourier);
        var schedule = new CosineSchedule(1000);
        var input = new Tensor(2, 2, 8, 8);
        var t = new float[2];
        dm.Prepare(clean, cond, new SeededRandom(9), input, t);
        var eps = new Tensor(2, 1, 8, 8);
        for (int n = 0; n < 2; n++)
        {
            Assert.Equal(t[n], MathF.Round(t[n]));
            double ab = schedule.AlphaBar[(int)t[n]];
            for (int i = 0; i < 64; i++)
                eps.Data[n * 64 + i] = (float)((input.Data[2 * n * 64 + i] - Math.Sqrt(ab) * clean.Data[n * 64 + i]) / Math.Sqrt(1 - ab));
        }
        // The exact noise predicts x0 exactly, so the Fourier terms vanish too (up to float rounding).
        Assert.InRange(dm.Loss(eps, new Tensor(2, 1, 8, 8)), 0, fourier ? 1e-3 : 1e-8);
    }

    /// <summary>The Fourier loss's gradient for ε and for v (with zero terminal SNR) against central differences.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FourierDiffusionGradientMatchesFiniteDifferences(bool vPrediction)
    {
        var (clean, cond) = TinyModel.Batch(2, 8, 3);
        var dm = vPrediction   // short schedule: moderate ᾱ
            ? new DiffusionObjective(fourier: true, trainSteps: 10, prediction: PredictionType.VPrediction, zeroTerminalSnr: true)
            : new DiffusionObjective(fourier: true, trainSteps: 10);
        var input = new Tensor(2, 2, 8, 8);
        dm.Prepare(clean, cond, new SeededRandom(4), input, new float[2]);
        var r = new Random(7);
        var output = new Tensor(2, 1, 8, 8);
        for (int i = 0; i < output.Length; i++) output.Data[i] = (float)(r.NextDouble() * 2 - 1);
        var grad = new Tensor(2, 1, 8, 8);
        dm.Loss(output, grad);
        var scratch = new Tensor(2, 1, 8, 8);
        double worst = 0, scale = grad.Data.Max(MathF.Abs);
        const float h = 1e-3f;
        for (int i = 0; i < output.Length; i++)
        {
            float keep = output.Data[i];
            output.Data[i] = keep + h; double up = dm.Loss(output, scratch);
            output.Data[i] = keep - h; double down = dm.Loss(output, scratch);
            output.Data[i] = keep;
            double fd = (up - down) / ((double)(keep + h) - (keep - h));
            worst = Math.Max(worst, Math.Abs(fd - grad.Data[i]));
        }
        Assert.True(worst <= 2e-2 * scale, $"worst finite-difference error {worst:E2} (gradient scale {scale:E2})");
    }
}
