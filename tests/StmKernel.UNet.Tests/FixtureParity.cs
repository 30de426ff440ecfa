using StmKernel.Imaging;
using StmKernel.Tensors;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Threading;
using StmKernel.UNet.Networks;
using StmKernel.UNet.Weights;

namespace StmKernel.UNet.Tests;

/// <summary>
/// Whole-model parity with the PyTorch reference (tools/reference/gen_unet_fixtures.py): a fixture's model run on a
/// backend against torch's float64 output. Bar: max |ours − torch| ≤ 1e-4 × max |torch|. Shared by the CPU tests
/// here and the GPU test project (linked), so every backend meets the same check.
/// </summary>
internal static class FixtureParity
{
    /// <summary>The random-weight fixtures under tests/fixtures/unet.</summary>
    public static readonly string[] Fixtures = ["a-f32", "b-3level-f16", "c-attention-f16", "d-f16", "e-bf16"];

    /// <summary>Runs <paramref name="fixture"/> (or the shipped Small model with "small-shipped") on <paramref name="backend"/>; returns the output.</summary>
    public static float[] Check(string fixture, IComputeBackend? backend, WorkerPool pool, Action<string> log)
    {
        string dir = RepoPaths.Fixture("unet", fixture);
        // small-shipped (tools/reference/gen_shipped_fixture.py): the shipped weights/fm-small-restore.stmw (Small,
        // F16 values) at batch 8 on 128² tiles, as restore runs it.
        string weightsPath = fixture == "small-shipped" ? Path.Combine(RepoPaths.Root, "weights", "fm-small-restore.stmw") : Path.Combine(dir, "model.safetensors");
        var model = NetworkModel.FromWeights(WeightSet.Load(weightsPath), backend);
        var (xData, xShape) = NpyFile.Read(Path.Combine(dir, "x.npy"));
        var (tData, _) = NpyFile.Read(Path.Combine(dir, "t.npy"));
        var (yData, yShape) = NpyFile.Read(Path.Combine(dir, "y.npy"));
        var y = model.Forward(new Tensor(xData, xShape), tData, pool);
        Assert.Equal(yShape, y.Shape);
        double maxRef = yData.Max(MathF.Abs);
        double maxErr = yData.Zip(y.Data, (a, b) => Math.Abs(a - b)).Max();
        double rel = maxErr / maxRef;
        log($"{fixture} on {backend?.Name ?? "the default backend"}: max|ours − torch| = {maxErr:E3}, max|torch| = {maxRef:F4}, relative {rel:E3}");
        Assert.True(rel <= 1e-4, $"{fixture} on {backend?.Name ?? "the default backend"}: relative error {rel:E3} exceeds 1e-4");
        // A second call on the same plan must reproduce the first bit for bit.
        Assert.Equal(y.Data, model.Forward(new Tensor(xData, xShape), tData, pool).Data);
        return y.Data;
    }
}
