using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Weights;
using Xunit.Abstractions;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Tests;

/// <summary>
/// Whole-model parity with the PyTorch reference (tools/reference/gen_unet_fixtures.py): random
/// weights, two samples with different timesteps, outputs computed by torch in float64.
/// Bar: max |ours − torch| ≤ 1e-4 × max |torch|.
/// </summary>
public class ModelParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a-f32", 1)]
    [InlineData("a-f32", 2)]
    [InlineData("b-3level-f16", 2)]
    [InlineData("c-attention-f16", 2)]
    [InlineData("d-f16", 1)]
    [InlineData("e-bf16", 2)]
    public void MatchesPyTorchReference(string fixture, int threads)
    {
        using var pool = new WorkerPool(threads);
        FixtureParity.Check(fixture, null, pool, line => output.WriteLine($"{line} (threads={threads})"));
    }

    /// <summary>Every backend the whole-model parity runs on (a GPU backend joins this list).</summary>
    public static TheoryData<string> Backends => new(BackendList.Select(b => b.Name));

    private static readonly IComputeBackend[] BackendList = [CpuBackend.Instance, CpuBackend.LowMemory];

    [Theory]
    [MemberData(nameof(Backends))]
    public void MatchesPyTorchAtTheShippedConfiguration(string backend)
    {
        using var pool = new WorkerPool(2);
        FixtureParity.Check("small-shipped", BackendList.Single(b => b.Name == backend), pool, output.WriteLine);
    }

    [Fact]
    public void BatchOfOneMatchesEachSampleOfTheBatch()
    {
        string dir = RepoPaths.Fixture("unet", "c-attention-f16");
        var model = NetworkModel.FromWeights(WeightSet.Load(Path.Combine(dir, "model.safetensors")));
        var (xData, xShape) = NpyFile.Read(Path.Combine(dir, "x.npy"));
        var (tData, _) = NpyFile.Read(Path.Combine(dir, "t.npy"));
        using var pool = new WorkerPool(2);
        var both = model.Forward(new Tensor(xData, xShape), tData, pool);
        int per = xData.Length / 2, perOut = both.Length / 2;
        var second = model.Forward(new Tensor(xData[per..], [1, .. xShape[1..]]), tData[1..], pool);
        Assert.Equal(both.Data[perOut..], second.Data);
    }

    [Fact]
    public void PlansOfOneModelShareMemoryWithoutChangingResults()
    {
        // A model's plans for different shapes draw on one activation block (CpuWeights.InferenceMemory): each run
        // must rebuild all it reads. Smaller shape first, so the block also grows between runs.
        string dir = RepoPaths.Fixture("unet", "c-attention-f16");
        var weights = WeightSet.Load(Path.Combine(dir, "model.safetensors"));
        var model = NetworkModel.FromWeights(weights);
        var (xData, xShape) = NpyFile.Read(Path.Combine(dir, "x.npy"));
        var (tData, _) = NpyFile.Read(Path.Combine(dir, "t.npy"));
        using var pool = new WorkerPool(1);
        var one = new Tensor(xData[..(xData.Length / 2)], [1, .. xShape[1..]]);
        var both = new Tensor(xData, xShape);
        var firstOne = model.Forward(one, tData[..1], pool);
        var firstBoth = model.Forward(both, tData, pool);
        var againOne = model.Forward(one, tData[..1], pool);
        var againBoth = model.Forward(both, tData, pool);
        Assert.Equal(firstOne.Data, againOne.Data);
        Assert.Equal(firstBoth.Data, againBoth.Data);
        Assert.Equal(NetworkModel.FromWeights(weights).Forward(both, tData, pool).Data, againBoth.Data);
    }

    [Fact]
    public void StreamedWinogradWeightsGiveBitIdenticalOutputs()
    {
        // Batch 2 at 64²: the default backend streams the 64² layers (2 × 16² F(4×4) tiles = 512) and keeps the packings
        // of the 32² and 16² ones; the low-memory backend streams all. Same transforms, so the same bits.
        var values = RandomParameters.For(UNetConfig.Small, seed: 12);
        var x = new Tensor(2, 2, 64, 64);
        var rng = new Random(3);
        for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(rng.NextDouble() * 2 - 1);
        using var pool = new WorkerPool(2);
        var kept = new NetworkModel(UNetConfig.Small, values, CpuBackend.Instance).Forward(x, [250f, 700f], pool);
        var lowMemory = new NetworkModel(UNetConfig.Small, values, CpuBackend.LowMemory);
        var streamed = lowMemory.Forward(x, [250f, 700f], pool);
        Assert.Equal(kept.Data, streamed.Data);
        Assert.Equal(streamed.Data, lowMemory.Forward(x, [250f, 700f], pool).Data); // the scratch is reloaded every run
    }

    [Fact]
    public void RejectsSpatialSizeNotDivisibleByDownsampling()
    {
        var model = new NetworkModel(UNetConfig.Small, RandomParameters.For(UNetConfig.Small));
        var e = Assert.Throws<ArgumentException>(() => model.Forward(new Tensor(1, 2, 30, 32), [1f], WorkerPool.Inline));
        Assert.Contains("multiples of 4", e.Message);
    }
}
