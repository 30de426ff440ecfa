using StmKernel.Tensors.Threading;
using StmKernel.UNet.Tests;
using Xunit.Abstractions;

namespace StmKernel.Gpu.Tests;

/// <summary>Whole-model parity with the PyTorch fixtures (<see cref="FixtureParity"/>) on the device under test.</summary>
public class ModelParityOnDeviceTests(ITestOutputHelper output)
{
    /// <summary>
    /// The random-weight fixtures; on CUDA also the shipped Small model at batch 8 on 128² (too slow for ILGPU's CPU
    /// accelerator on CI's two cores).
    /// </summary>
    public static TheoryData<string> Fixtures => new([.. FixtureParity.Fixtures, .. TestDevice.IsCuda ? new[] { "small-shipped" } : []]);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesPyTorchReference(string fixture)
    {
        using var pool = new WorkerPool(1);
        FixtureParity.Check(fixture, TestDevice.Backend, pool, output.WriteLine);
    }
}
