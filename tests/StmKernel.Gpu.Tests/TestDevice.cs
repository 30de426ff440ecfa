using StmKernel.Tensors.Backends;

namespace StmKernel.Gpu.Tests;

/// <summary>
/// The one GPU backend every test of this project runs on: ILGPU's CPU accelerator by default (CI has no GPU),
/// or the device named by STMKERNEL_TEST_DEVICE ("cuda", "cuda:1"), as tools/gpu-check.sh sets it. Created once
/// (loading compiles every kernel) and left to the process's end.
/// </summary>
internal static class TestDevice
{
    private static readonly Lazy<IlgpuBackend> Instance = new(() => IlgpuBackend.Create(Name));

    /// <summary>The device name under test.</summary>
    public static string Name => Environment.GetEnvironmentVariable("STMKERNEL_TEST_DEVICE") is { Length: > 0 } d ? d : "ilgpu-cpu";

    /// <summary>True on a real GPU, where the larger cases are affordable.</summary>
    public static bool IsCuda => Name.StartsWith("cuda", StringComparison.Ordinal);

    public static IlgpuBackend Backend => Instance.Value;
}
