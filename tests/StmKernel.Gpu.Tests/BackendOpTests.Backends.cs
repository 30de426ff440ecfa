using StmKernel.Gpu.Tests;
using StmKernel.Tensors.Backends;

namespace StmKernel.Tensors.Tests.Backends;

/// <summary>The backend op suite of StmKernel.Tensors.Tests, linked into this project, on the device under test.</summary>
public partial class BackendOpTests
{
    private static partial IComputeBackend[] TestedBackends() => [TestDevice.Backend];
}
