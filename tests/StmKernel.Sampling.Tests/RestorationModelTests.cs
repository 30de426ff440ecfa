using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Sampling.Tests;

public class RestorationModelTests
{
    [Fact]
    public void SampledModelIsDeterministicBySeedAndIndependentOfBatching()
    {
        var model = RestorationModel.FromWeights(TinyModels.Weights(TinyModels.Config(2), SamplerSettings.FlowMatching), "tiny-fm");
        using var pool = new WorkerPool(2);
        var restorer = model.CreateRestorer(pool, maxBatch: 8);
        var image = TestData.Surface(150, 133);
        var one = restorer.Restore(image, new RestoreOptions { BatchSize = 1, Seed = 7 });
        var eight = restorer.Restore(image, new RestoreOptions { BatchSize = 8, Seed = 7 });
        var other = restorer.Restore(image, new RestoreOptions { BatchSize = 8, Seed = 8 });
        Assert.Equal(one.Image.Data, eight.Image.Data);
        Assert.NotEqual(one.Image.Data, other.Image.Data);
        Assert.Equal(restorer.ForwardCount(133, 150), one.NetworkEvaluations);
        Assert.Equal(2 * 2 * 4, one.NetworkEvaluations); // 2×2 tiles × FM RK2 2 steps
        Assert.All(one.Image.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void OnePassModelReturnsTheNetworkOfTheNormalisedCondition()
    {
        var weights = TinyModels.Weights(TinyModels.Config(1), sampler: null);
        var model = RestorationModel.FromWeights(weights, "tiny-ae");
        Assert.Null(model.Sampler);
        using var pool = new WorkerPool(1);
        var image = TestData.Surface(128, 128, offset: 3, amplitude: 2);
        var result = model.CreateRestorer(pool).Restore(image);
        Assert.Equal(1, result.NetworkEvaluations);

        // Reference: one tile; min/max to [−1, 1], network at t = 0, back to the input's units.
        float min = image.Data.Min(), max = image.Data.Max();
        double center = (min + (double)max) / 2, half = (max - (double)min) / 2;
        var x = new Tensor(1, 1, 128, 128);
        for (int i = 0; i < x.Data.Length; i++) x.Data[i] = (float)((image.Data[i] - center) / half);
        var y = NetworkModel.FromWeights(weights).Forward(x, [0f], pool);
        for (int i = 0; i < y.Data.Length; i++)
            Assert.Equal(y.Data[i] * half + center, result.Image.Data[i], 1e-4);
        Assert.Throws<ArgumentException>(() => model.CreateRestorer(pool).Restore(image, new RestoreOptions { EnsembleSize = 2 }));
    }

    [Fact]
    public void ChannelsMustFitTheSampler()
    {
        var e = Assert.Throws<InvalidDataException>(() => RestorationModel.FromWeights(TinyModels.Weights(TinyModels.Config(2), null), "x"));
        Assert.Contains("one-pass", e.Message);
        Assert.Contains("--sampler", e.Message);
        e = Assert.Throws<InvalidDataException>(() => RestorationModel.FromWeights(TinyModels.Weights(TinyModels.Config(1), SamplerSettings.Ddim), "x"));
        Assert.Contains("2 input channels", e.Message);
    }

    [Fact]
    public void LoadsAStmwFileWithItsSampler()
    {
        string path = Path.Combine(Path.GetTempPath(), $"stmk-model-{Guid.NewGuid():N}.stmw");
        try
        {
            TinyModels.Weights(TinyModels.Config(2), SamplerSettings.Ddim with { DefaultSteps = 3 }).SaveStmw(path);
            var model = RestorationModel.Load(path);
            Assert.Equal(SamplerSettings.Ddim with { DefaultSteps = 3 }, model.Sampler);
            Assert.Equal("restore", model.Task);
            Assert.Contains("ddim", model.Describe());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
