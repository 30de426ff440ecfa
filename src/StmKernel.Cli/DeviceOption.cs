using System.CommandLine;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Backends.Cpu;
#if STMKERNEL_GPU
using StmKernel.Gpu;
#endif

namespace StmKernel.Cli;

/// <summary>
/// `--device cpu|cuda[:N]|ilgpu-cpu` of forward, bench, restore, upscale, eval and train: the backend the network
/// runs on. The only file of the CLI that names the GPU assembly: ILGPU is neither trimmable nor AOT-compatible
/// (it reads IL at run time), so the trimmed and NativeAOT publishes leave StmKernel.Gpu out (STMKERNEL_GPU
/// undefined, StmKernel.Cli.csproj) and say so when a GPU device is asked of them.
/// </summary>
internal static class DeviceOption
{
    /// <summary>`--device D`, "cpu" when absent.</summary>
    public static Option<string> Create() => CliOptions.Text("--device", "D",
        "cpu, cuda or cuda:N (an NVIDIA GPU), or ilgpu-cpu (the GPU kernels on ILGPU's CPU accelerator, slow: for debugging); " +
        "the NativeAOT build is CPU-only", "cpu");

    // One backend per GPU device for the process: creating one compiles every kernel (seconds), and its context
    // and device memory live until the process ends.
    private static readonly Dictionary<string, IComputeBackend> Gpus = new(StringComparer.Ordinal);

    /// <summary>
    /// The backend of <paramref name="device"/>: the CPU backend (its low-memory variant with
    /// <paramref name="lowMemory"/>, which GPU devices ignore) or the GPU backend.
    /// </summary>
    /// <exception cref="CliException">An unknown device, a device absent from this machine, or a GPU device asked of a CPU-only build.</exception>
    public static IComputeBackend Backend(string device, bool lowMemory = false)
    {
        if (device == "cpu") return lowMemory ? CpuBackend.LowMemory : CpuBackend.Instance;
        if (device != "ilgpu-cpu" && device != "cuda" && !device.StartsWith("cuda:", StringComparison.Ordinal))
            throw new CliException($"--device must be cpu, cuda, cuda:N or ilgpu-cpu, got '{device}'");
#if STMKERNEL_GPU
        lock (Gpus)
        {
            if (Gpus.TryGetValue(device, out var known)) return known;
            try
            {
                return Gpus[device] = IlgpuBackend.Create(device);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                throw new CliException($"--device {device}: {e.Message}");
            }
        }
#else
        throw new CliException($"--device {device}: this build is CPU-only (the trimmed/NativeAOT binary cannot load the GPU backend); --device cuda needs the JIT build (dotnet run, or a framework-dependent publish)");
#endif
    }
}
