using StmKernel.Tensors.Threading;
using StmKernel.UNet.Tests;
using Xunit.Abstractions;

namespace StmKernel.Gpu.Tests;

/// <summary>Whole-model parity with the PyTorch fixtures (<see cref="FixtureParity"/>) on the device under test.</summary>
public class ModelParityOnDeviceTests(ITestOutputHelper output)
{
    /// <summary>
    /// On ILGPU's CPU accelerator (CI's two cores) the two fixtures that differ in what the backend runs: a-f32
    /// (two levels, no attention) and c-attention-f16 (attention); the others vary the weight formats the loader
    /// reads, which the CPU tests cover. On CUDA every fixture, and the shipped Small model at batch 8 on 128².
    /// </summary>
    public static TheoryData<string> Fixtures => new(TestDevice.IsCuda ? [.. FixtureParity.Fixtures, "small-shipped"] : ["a-f32", "c-attention-f16"]);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesPyTorchReference(string fixture)
    {
        using var pool = new WorkerPool(1);
        FixtureParity.Check(fixture, TestDevice.Backend, pool, output.WriteLine);
    }
}
