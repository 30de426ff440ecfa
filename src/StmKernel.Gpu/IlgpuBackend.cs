using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using StmKernel.Tensors.Backends;
using StmKernel.Tensors.Graph;

namespace StmKernel.Gpu;

/// <summary>
/// The GPU backend: every op of the <see cref="IComputeBackend"/> seam, forward and backward, in fp32 ILGPU kernels
/// on plain NCHW row-major device buffers. <c>cuda</c> / <c>cuda:N</c> runs on an NVIDIA GPU; <c>ilgpu-cpu</c> runs
/// the same kernels on ILGPU's CPU accelerator (slow: for tests and debugging). Not trimming- or AOT-safe: ILGPU
/// reads the kernels' IL at run time (docs/gpu.md).
/// </summary>
public sealed class IlgpuBackend : IComputeBackend, IDisposable
{
    /// <summary>The device names <see cref="Create"/> accepts, for help texts.</summary>
    public const string DeviceNames = "cuda, cuda:N, ilgpu-cpu";

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly GpuKernels _kernels;
    private readonly ConditionalWeakTable<IParameterStore, GpuWeights> _weights = new();
    private bool _disposed;

    private IlgpuBackend(Context context, Accelerator accelerator, string name)
    {
        _context = context;
        _accelerator = accelerator;
        Name = name;
        try { _kernels = new GpuKernels(accelerator); }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The accelerator's own description, e.g. "NVIDIA H200" or "CPUAccelerator".</summary>
    public string DeviceDescription => _accelerator.Name;

    /// <summary>
    /// The backend on <paramref name="device"/>: "ilgpu-cpu", "cuda" (the first CUDA device) or "cuda:N".
    /// </summary>
    /// <exception cref="ArgumentException">An unknown device name.</exception>
    /// <exception cref="InvalidOperationException">No such CUDA device on this machine.</exception>
    public static IlgpuBackend Create(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device == "ilgpu-cpu")
        {
            // Groups of two threads, one group per core: the CPU accelerator runs a group's threads as OS threads
            // meeting at barriers, and its default (groups of 16) spent most of the op tests' time switching
            // between them (a conv backward case: 52 s against 7 s on two loaded cores).
            var cpu = new CPUDevice(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: Environment.ProcessorCount);
            var context = Context.Create(b => b.CPU(cpu).EnableAlgorithms());
            return new IlgpuBackend(context, context.CreateCPUAccelerator(0), device);
        }
        int index = device == "cuda" ? 0
            : device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int n) && n >= 0 ? n
            : throw new ArgumentException($"unknown device '{device}': expected {DeviceNames}", nameof(device));
        return CreateCuda(index);
    }

    private static IlgpuBackend CreateCuda(int index)
    {
        string name = $"cuda:{index}";
        Context context;
        try { context = Context.Create(b => b.Cuda().EnableAlgorithms()); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException($"{name}: the CUDA driver could not be loaded ({e.Message}); is an NVIDIA driver installed?", e);
        }
        CudaDevice[] devices = [.. context.GetCudaDevices()];
        if (index >= devices.Length)
        {
            string found = devices.Length == 0 ? "no CUDA device is present" : $"only {string.Join(", ", devices.Select((d, i) => $"cuda:{i} ({d.Name})"))} present";
            context.Dispose();
            throw new InvalidOperationException($"{name} was asked for, but {found}");
        }
        return new IlgpuBackend(context, devices[index].CreateAccelerator(context), name);
    }

    /// <inheritdoc />
    public IGraphExecutable Compile(ComputeGraph graph, IParameterStore parameters, bool training)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(parameters);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var weights = _weights.GetValue(parameters, s => new GpuWeights(_accelerator, s));
        return new GpuExecutable(_accelerator, _kernels, graph, weights, training);
    }

    /// <summary>Frees the accelerator (with every buffer of every plan) and the ILGPU context.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _accelerator.Dispose();
        _context.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({DeviceDescription})";
}
