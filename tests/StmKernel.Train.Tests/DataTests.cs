using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Synthesis.Surface;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Data;
using StmKernel.Train.Validation;
using StmKernel.UNet;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Tests;

public class DataTests
{
    private static PairSource Pairs() =>
        new(new ProceduralSource(new SurfaceParameters { Width = 48, Height = 48 }, 3), DegradationSettings.Paper() with { CropSize = 16 }, 5);

    [Fact]
    public void BatchesDependOnlyOnTheirIndex()
    {
        var a = new PairBatches(Pairs(), 3, threads: 2);
        var b = new PairBatches(Pairs(), 3, threads: 1);
        var (c1, d1) = a.Get(4);
        var (c2, d2) = b.Get(4);
        Assert.Equal([3, 1, 16, 16], c1.Shape);
        Assert.Equal(c1.Data, c2.Data);
        Assert.Equal(d1.Data, d2.Data);
        Assert.NotEqual(c1.Data, a.Get(5).Clean.Data);
        Assert.NotEqual(c1.Data, a.Get(4, DataSplit.Validation).Clean.Data);
        Assert.InRange(c1.Data.Min(), -1f, 1f);
        Assert.InRange(c1.Data.Max(), -1f, 1f);
    }

    [Fact]
    public void ValidatorScoresAnAutoencoderPass()
    {
        // The autoencoder path is one forward; its PSNR must equal the metric on that forward's output.
        var (clean, degraded) = new PairBatches(Pairs(), 2).Get(0, DataSplit.Validation);
        var config = TinyModel.AutoencoderConfig;
        var model = new NetworkModel(config, RandomParameters.For(config, 4));
        var (psnr, ssim) = new Validator(clean, degraded, sampler: null, steps: 1).Evaluate(model, WorkerPool.Inline);
        var y = model.Forward(degraded, new float[2], WorkerPool.Inline);
        double expected = (StmKernel.Imaging.Metrics.Psnr.Compute(clean.Data.AsSpan(0, 256), y.Data.AsSpan(0, 256), 2)
                         + StmKernel.Imaging.Metrics.Psnr.Compute(clean.Data.AsSpan(256, 256), y.Data.AsSpan(256, 256), 2)) / 2;
        Assert.Equal(expected, psnr, 9);
        Assert.InRange(ssim, -1, 1);
    }
}
