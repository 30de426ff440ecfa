using StmKernel.Sampling;
using StmKernel.Tensors;
using StmKernel.Train.Objectives;
using StmKernel.UNet.Weights;

namespace StmKernel.Train.Tests;

/// <summary>The v-prediction / zero-terminal-SNR diffusion objective (<c>train --method ddim-v</c>).</summary>
public class VPredictionObjectiveTests
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void LossVanishesForTheTrueV(bool fourier, bool zeroSnr)
    {
        var (clean, cond) = TinyModel.Batch(4, 8, 2);
        var dm = new DiffusionObjective(fourier, prediction: PredictionType.VPrediction, zeroTerminalSnr: zeroSnr);
        var schedule = new CosineSchedule(1000, zeroSnr);   // independent of the objective's own
        var input = new Tensor(4, 2, 8, 8);
        var t = new float[4];
        dm.Prepare(clean, cond, new SeededRandom(9), input, t);
        var v = new Tensor(4, 1, 8, 8);
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(t[n], MathF.Round(t[n]));
            double ab = schedule.AlphaBar[(int)t[n]], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
            for (int i = 0; i < 64; i++)
            {
                double xt = input.Data[2 * n * 64 + i], x0 = clean.Data[n * 64 + i];
                Assert.Equal(cond.Data[n * 64 + i], input.Data[(2 * n + 1) * 64 + i]);
                double eps = (xt - a * x0) / s;
                v.Data[n * 64 + i] = (float)(a * eps - s * x0);
            }
        }
        var grad = new Tensor(4, 1, 8, 8);
        Assert.InRange(dm.Loss(v, grad), 0, fourier ? 1e-3 : 1e-8);
        if (!fourier)
        {
            // A wrong prediction (zero) costs the mean square of v.
            double expected = v.Data.Average(a => (double)a * a);
            Assert.Equal(expected, dm.Loss(new Tensor(4, 1, 8, 8), grad), 4);
            // ε is not the target: feeding it costs something.
            Assert.True(dm.Loss(Epsilon(input, clean, schedule, t), grad) > 1e-3);
        }
    }

    [Fact]
    public void AtTheTerminalStepTheInputIsPureNoiseAndTheTargetMinusX0()
    {
        // T = 3 so the terminal step t = 2 (ᾱ = 0) is drawn often; the same seed draws the same t and ε for both batches.
        var (cleanA, cond) = TinyModel.Batch(6, 8, 3);
        var (cleanB, _) = TinyModel.Batch(6, 8, 4);
        bool sawTerminal = false;
        for (ulong seed = 1; seed <= 20 && !sawTerminal; seed++)
        {
            var dmA = new DiffusionObjective(trainSteps: 3, prediction: PredictionType.VPrediction, zeroTerminalSnr: true);
            var dmB = new DiffusionObjective(trainSteps: 3, prediction: PredictionType.VPrediction, zeroTerminalSnr: true);
            var inA = new Tensor(6, 2, 8, 8);
            var inB = new Tensor(6, 2, 8, 8);
            var tA = new float[6];
            var tB = new float[6];
            dmA.Prepare(cleanA, cond, new SeededRandom(seed), inA, tA);
            dmB.Prepare(cleanB, cond, new SeededRandom(seed), inB, tB);
            Assert.Equal(tA, tB);
            var output = new Tensor(6, 1, 8, 8);
            var schedule = dmA.Schedule;
            for (int n = 0; n < 6; n++)
            {
                bool terminal = tA[n] == 2;
                sawTerminal |= terminal;
                double ab = schedule.AlphaBar[(int)tA[n]], a = Math.Sqrt(ab), s = Math.Sqrt(1 - ab);
                bool anyDifferent = false;
                for (int i = 0; i < 64; i++)
                {
                    float xa = inA.Data[2 * n * 64 + i], xb = inB.Data[2 * n * 64 + i];
                    if (terminal) Assert.Equal(xa, xb);   // x_{T−1} = ε, nothing of x0 left
                    anyDifferent |= xa != xb;
                    double x0 = cleanA.Data[n * 64 + i];
                    output.Data[n * 64 + i] = terminal ? (float)-x0 : (float)(a * ((xa - a * x0) / s) - s * x0);
                }
                Assert.Equal(!terminal, anyDifferent);
            }
            Assert.InRange(dmA.Loss(output, new Tensor(6, 1, 8, 8)), 0, 1e-8);
        }
        Assert.True(sawTerminal, "no seed drew the terminal step");
    }

    [Fact]
    public void NamesAndSchedulesFollowTheSettings()
    {
        Assert.Equal("ddim", new DiffusionObjective().Name);
        Assert.Equal("ddim-fft", new DiffusionObjective(fourier: true).Name);
        Assert.Equal("ddim-v", DiffusionObjective.For(SamplerSettings.DdimV).Name);
        Assert.Equal("ddim-v-fft", DiffusionObjective.For(SamplerSettings.DdimV, fourier: true).Name);
        Assert.Equal("ddim-v-nozsnr", new DiffusionObjective(prediction: PredictionType.VPrediction).Name);
        Assert.Equal("ddim", DiffusionObjective.For(SamplerSettings.Ddim).Name);
        Assert.Throws<ArgumentException>(() => new DiffusionObjective(zeroTerminalSnr: true));
        Assert.Throws<ArgumentException>(() => new DiffusionObjective(prediction: PredictionType.Velocity));
        Assert.Throws<ArgumentException>(() => DiffusionObjective.For(SamplerSettings.FlowMatching));

        // The trainer and the sampler draw on one schedule.
        var trained = DiffusionObjective.For(SamplerSettings.DdimV).Schedule.AlphaBar.ToArray();
        Assert.Equal(new DdimSampler(SamplerSettings.DdimV).Schedule.AlphaBar.ToArray(), trained);
        Assert.Equal(0.0, trained[999]);
        Assert.Equal(new DdimSampler(SamplerSettings.Ddim).Schedule.AlphaBar.ToArray(), new DiffusionObjective().Schedule.AlphaBar.ToArray());
        Assert.Equal(PredictionType.VPrediction, DiffusionObjective.For(SamplerSettings.DdimV).Prediction);
    }

    private static Tensor Epsilon(Tensor input, Tensor clean, CosineSchedule schedule, float[] t)
    {
        int b = clean.Dim(0), plane = clean.Dim(2) * clean.Dim(3);
        var eps = new Tensor(clean.Shape);
        for (int n = 0; n < b; n++)
        {
            double ab = schedule.AlphaBar[(int)t[n]];
            for (int i = 0; i < plane; i++)
                eps.Data[n * plane + i] = (float)((input.Data[2 * n * plane + i] - Math.Sqrt(ab) * clean.Data[n * plane + i]) / Math.Sqrt(1 - ab));
        }
        return eps;
    }
}
