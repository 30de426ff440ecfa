namespace StmKernel.Gpu.Tests;

/// <summary>Device names and the errors for devices that are not there.</summary>
public class BackendCreationTests
{
    [Fact]
    public void UnknownDeviceNamesTheAcceptedOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => IlgpuBackend.Create("opencl"));
        Assert.Contains("'opencl'", e.Message);
        Assert.Contains(IlgpuBackend.DeviceNames, e.Message);
    }

    [Fact]
    public void MissingCudaDeviceIsNamed()
    {
        // cuda:99 is absent on any machine; without a GPU (CI) so is cuda:0, and the message says which was asked.
        var e = Assert.Throws<InvalidOperationException>(() => IlgpuBackend.Create("cuda:99"));
        Assert.Contains("cuda:99", e.Message);
    }

    [Fact]
    public void NamesItsDevice()
    {
        Assert.Equal(TestDevice.Name == "cuda" ? "cuda:0" : TestDevice.Name, TestDevice.Backend.Name);
    }
}
