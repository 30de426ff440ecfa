using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;

namespace StmKernel.Tensors.Tests.Backends;

public partial class BackendOpTests
{
    /// <summary>The CPU backend, with and without kept Winograd weights.</summary>
    private static partial IComputeBackend[] TestedBackends() => [CpuBackend.Instance, CpuBackend.LowMemory];
}
