using System.Runtime.InteropServices;
using ILGPU.Runtime;
using StmKernel.Tensors.Backends;
using DeviceBuffer = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace StmKernel.Gpu;

/// <summary>
/// The device copy of one parameter store, shared by every plan of that store (a model keeps plans for a few input
/// shapes; they must not each hold the weights): each parameter uploaded on first use, its gradient buffer made on
/// first use by a training plan. <see cref="Upload"/> re-reads every value after an optimizer step or a load.
/// </summary>
internal sealed class GpuWeights(Accelerator accelerator, IParameterStore store)
{
    private readonly Dictionary<string, DeviceBuffer> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceBuffer> _gradients = new(StringComparer.Ordinal);

    public IParameterStore Store => store;

    /// <summary>The device values of <paramref name="key"/>, checked to hold <paramref name="count"/> elements.</summary>
    public DeviceBuffer Value(string key, long count)
    {
        if (_values.TryGetValue(key, out var buffer))
        {
            if (buffer.Length != count) throw new InvalidDataException($"parameter '{key}' has {buffer.Length} values, the graph needs {count}");
            return buffer;
        }
        var host = store.Value(key);
        if (host.Length != count) throw new InvalidDataException($"parameter '{key}' has {host.Length} values, the graph needs {count}");
        buffer = accelerator.Allocate1D<float>(count);
        buffer.View.CopyFromCPU(host);
        return _values[key] = buffer;
    }

    /// <summary>The device gradient of <paramref name="key"/> (as long as its value), which Backward zeroes, fills and downloads.</summary>
    public DeviceBuffer Gradient(string key)
    {
        if (_gradients.TryGetValue(key, out var buffer)) return buffer;
        if (store.Gradient(key) is null) throw new InvalidOperationException($"parameter '{key}' has no gradient buffer: the store is inference-only");
        return _gradients[key] = accelerator.Allocate1D<float>(_values[key].Length);
    }

    /// <summary>Copies the device gradient of <paramref name="key"/> into the store's gradient array (overwriting it).</summary>
    public void Download(string key)
    {
        var host = store.Gradient(key)!;
        _gradients[key].View.CopyToCPU(ref MemoryMarshal.GetArrayDataReference(host), host.Length);
    }

    /// <summary>Re-uploads every parameter used so far from the store's (changed) values.</summary>
    public void Upload()
    {
        foreach (var (key, buffer) in _values)
        {
            var host = store.Value(key);
            if (host.Length != buffer.Length) throw new InvalidDataException($"parameter '{key}' now has {host.Length} values, uploaded with {buffer.Length}");
            buffer.View.CopyFromCPU(host);
        }
    }
}
