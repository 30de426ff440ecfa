using StmKernel.Tensors.Threading;
using StmKernel.Train.Objectives;
using StmKernel.Train.Optim;
using StmKernel.UNet;
using Xunit.Abstractions;

namespace StmKernel.Train.Tests;

public class TrainingTests(ITestOutputHelper output)
{
    private static TrainerOptions Options(int total) => new()
    {
        Seed = 42, LearningRate = new LearningRateSchedule(3e-3, Warmup: 5, Total: total), MaxGradientNorm = 1.0, EmaDecay = 0.9,
    };

    [Fact]
    public void AutoencoderOverfitsATinyBatch()
    {
        // Bar: the L1 loss of the tiny model on a fixed batch of 2 16×16 images falls at least 5× within 150 steps.
        var (clean, cond) = TinyModel.Batch(2, 16, 11);
        var trainer = new Trainer(new ParameterSet(TinyModel.AutoencoderConfig, RandomParameters.For(TinyModel.AutoencoderConfig, 1)),
            new AutoencoderObjective(), Options(150));
        double first = 0, last = 0;
        for (int s = 0; s < 150; s++)
        {
            var r = trainer.TrainStep(clean, cond, WorkerPool.Inline);
            if (s == 0) first = r.Loss;
            last = r.Loss;
        }
        output.WriteLine($"autoencoder L1: {first:F4} → {last:F4} in 150 steps ({first / last:F1}×)");
        Assert.True(last * 5 <= first, $"loss fell only from {first:F4} to {last:F4}");
    }

    [Fact]
    public void FlowMatchingLossFalls()
    {
        // Fresh noise and times every step make the FM loss noisy: compare the means of the first and last 20 steps.
        // Bar: the mean falls at least 2× within 200 steps on a fixed batch of 2 16×16 images.
        var (clean, cond) = TinyModel.Batch(2, 16, 12);
        var trainer = new Trainer(new ParameterSet(TinyModel.Config, RandomParameters.For(TinyModel.Config, 2)), new FlowMatchingObjective(), Options(200));
        var losses = new double[200];
        for (int s = 0; s < losses.Length; s++) losses[s] = trainer.TrainStep(clean, cond, WorkerPool.Inline).Loss;
        double head = losses[..20].Average(), tail = losses[^20..].Average();
        output.WriteLine($"flow matching MSE: mean of first 20 {head:F4}, last 20 {tail:F4} ({head / tail:F1}×)");
        Assert.True(tail * 2 <= head, $"mean loss fell only from {head:F4} to {tail:F4}");
    }

    [Fact]
    public void ResumeReproducesTheUninterruptedRunBitForBit()
    {
        var (clean, cond) = TinyModel.Batch(2, 16, 13);
        var start = RandomParameters.For(TinyModel.Config, 3);
        var options = Options(50);

        var straight = new Trainer(new ParameterSet(TinyModel.Config, start), new DiffusionObjective(fourier: true), options);
        var straightLosses = Enumerable.Range(0, 6).Select(_ => straight.TrainStep(clean, cond, WorkerPool.Inline).Loss).ToArray();

        string path = Path.Combine(Path.GetTempPath(), $"stmkernel-resume-{Guid.NewGuid():N}.stmckpt");
        try
        {
            var first = new Trainer(new ParameterSet(TinyModel.Config, start), new DiffusionObjective(fourier: true), options);
            for (int s = 0; s < 3; s++) Assert.Equal(straightLosses[s], first.TrainStep(clean, cond, WorkerPool.Inline).Loss);
            first.SaveCheckpoint(path);
            using var pool = new WorkerPool(2);
            var resumed = Trainer.Resume(path, new DiffusionObjective(fourier: true), options);
            Assert.Equal(3, resumed.Step);
            // The resumed half runs on two threads: every kernel's result is independent of the thread count.
            for (int s = 3; s < 6; s++) Assert.Equal(straightLosses[s], resumed.TrainStep(clean, cond, pool).Loss);
            for (int i = 0; i < straight.Parameters.Values.Count; i++)
            {
                Assert.Equal(straight.Parameters.Values[i], resumed.Parameters.Values[i]);
                Assert.Equal(straight.Ema.Shadow[i], resumed.Ema.Shadow[i]);
                Assert.Equal(straight.Optimizer.SecondMoment[i], resumed.Optimizer.SecondMoment[i]);
            }
            Assert.Equal(straight.Random.State, resumed.Random.State);

            Assert.Throws<InvalidDataException>(() => Trainer.Resume(path, new FlowMatchingObjective(), options));
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 1;
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => Trainer.Resume(path, new DiffusionObjective(fourier: true), options));
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
