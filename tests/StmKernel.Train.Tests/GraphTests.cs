using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.Train.Graph;
using StmKernel.Train.Objectives;
using StmKernel.UNet;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.Train.Tests;

public class GraphTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public void TrainingForwardEqualsInferenceForward(bool attention, int threads)
    {
        // Same network: the training graph must match UNet2DModel (module tree, keys, kernel choice) to
        // float rounding.
        var config = TinyModel.Config with { AddAttention = attention };
        var values = RandomParameters.For(config, 5);
        var graph = new TrainingNetwork(new ParameterSet(config, values));
        var model = new NetworkModel(config, values);
        var x = new Tensor(2, 2, 16, 8);
        var r = new Random(1);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(r.NextDouble() * 2 - 1);
        float[] t = [3f, 870f];
        using var pool = new WorkerPool(threads);
        var y = new Tensor(2, 1, 16, 8);
        graph.Forward(x, t, y, pool);
        AssertClose(model.Forward(x, t, pool).Data, y.Data);
    }

    /// <summary>max |a − b| ≤ 1e-5 · max |a|: float rounding of a different convolution algorithm, not a different network.</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(MathF.Abs), err = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(err <= 1e-5 * scale, $"max |Δ| {err:E2} exceeds 1e-5 × {scale:F3}");
    }

    [Fact]
    public void ParameterChangesReachTheForward()
    {
        var values = RandomParameters.For(TinyModel.Config, 6);
        var parameters = new ParameterSet(TinyModel.Config, values);
        var graph = new TrainingNetwork(parameters);
        var x = new Tensor(1, 2, 8, 8);
        x.Data.AsSpan().Fill(0.5f);
        var y = new Tensor(1, 1, 8, 8);
        graph.Forward(x, [10f], y, WorkerPool.Inline);
        // Change a conv weight, a norm affine and a linear in place, as an optimizer does.
        parameters.Value("up_blocks.1.resnets.0.conv1.weight")[0] += 0.5f;
        parameters.Value("conv_norm_out.weight")[3] += 0.5f;
        parameters.Value("time_embedding.linear_2.bias")[1] += 0.5f;
        graph.ParametersChanged();
        graph.Forward(x, [10f], y, WorkerPool.Inline);
        var changed = parameters.Snapshot();
        AssertClose(new NetworkModel(TinyModel.Config, changed).Forward(x, [10f], WorkerPool.Inline).Data, y.Data);
    }

    [Fact]
    public void BackwardWithoutForwardIsRefused()
    {
        var graph = new TrainingNetwork(new ParameterSet(TinyModel.Config, RandomParameters.For(TinyModel.Config, 7)));
        Assert.Throws<InvalidOperationException>(() => graph.Backward(new Tensor(1, 1, 8, 8), WorkerPool.Inline));
    }

    [Fact]
    public void ExportedEmaWeightsRoundTripThroughStmw()
    {
        var (clean, cond) = TinyModel.Batch(2, 8, 3);
        var trainer = new Trainer(new ParameterSet(TinyModel.Config, RandomParameters.For(TinyModel.Config, 8)), new FlowMatchingObjective(), new TrainerOptions());
        trainer.TrainStep(clean, cond, WorkerPool.Inline);
        var set = trainer.ExportWeights();
        string path = Path.Combine(Path.GetTempPath(), $"stmkernel-export-{Guid.NewGuid():N}.stmw");
        try
        {
            set.SaveStmw(path);
            var back = WeightSet.Load(path);
            for (int i = 0; i < trainer.Parameters.Specs.Count; i++)
                Assert.Equal(trainer.Ema.Shadow[i], back.Tensors[trainer.Parameters.Specs[i].Key].Data);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
