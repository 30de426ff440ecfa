using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Weights;
using StmKernel.UNet.Networks;

namespace StmKernel.UNet.Tests;

/// <summary>
/// safetensors → .stmw (fp32, fp16) → the same network outputs: fp32 bit for bit, fp16 within the
/// error fp16 weight rounding causes (bounded by comparing against torch's output too).
/// </summary>
public class WeightFormatParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stmk-parity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(DType.F32, 0.0)]
    [InlineData(DType.F16, 2e-3)]
    public void StmwGivesTheSameOutputsAsSafetensors(DType dtype, double relTol)
    {
        string fixture = RepoPaths.Fixture("unet", "c-attention-f16");
        var original = WeightSet.Load(Path.Combine(fixture, "model.safetensors"));
        string stmw = Path.Combine(_dir, $"model-{dtype}.stmw");
        original.SaveStmw(stmw, dtype);
        var reloaded = WeightSet.Load(stmw);

        var (x, shape) = NpyFile.Read(Path.Combine(fixture, "x.npy"));
        var (t, _) = NpyFile.Read(Path.Combine(fixture, "t.npy"));
        using var pool = new WorkerPool(2);
        var expected = NetworkModel.FromWeights(original).Forward(new Tensor(x, shape), t, pool);
        var actual = NetworkModel.FromWeights(reloaded).Forward(new Tensor(x, shape), t, pool);

        if (relTol == 0) { Assert.Equal(expected.Data, actual.Data); return; }
        double maxRef = expected.Data.Max(MathF.Abs);
        double maxErr = expected.Data.Zip(actual.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr <= relTol * maxRef, $"fp16 .stmw differs by {maxErr:E3} (max |y| {maxRef:F3})");
    }

    [Fact]
    public void Fp32WeightsStoredAsFp16StayWithinFp16Error()
    {
        // a-f32 holds full-precision weights, so fp16 storage really rounds them.
        string fixture = RepoPaths.Fixture("unet", "a-f32");
        var original = WeightSet.Load(Path.Combine(fixture, "model.safetensors"));
        string stmw = Path.Combine(_dir, "a.stmw");
        original.SaveStmw(stmw, DType.F16);
        var (x, shape) = NpyFile.Read(Path.Combine(fixture, "x.npy"));
        var (t, _) = NpyFile.Read(Path.Combine(fixture, "t.npy"));
        using var pool = new WorkerPool(2);
        var expected = NetworkModel.FromWeights(original).Forward(new Tensor(x, shape), t, pool);
        var actual = NetworkModel.FromWeights(WeightSet.Load(stmw)).Forward(new Tensor(x, shape), t, pool);
        double maxRef = expected.Data.Max(MathF.Abs);
        double maxErr = expected.Data.Zip(actual.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxErr > 0, "fp16 storage of fp32 weights should change the output a little");
        Assert.True(maxErr <= 5e-3 * maxRef, $"fp16 .stmw differs by {maxErr:E3} (max |y| {maxRef:F3})");
    }
}
