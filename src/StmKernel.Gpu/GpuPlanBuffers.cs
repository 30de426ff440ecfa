using ILGPU;
using ILGPU.Runtime;
using StmKernel.Tensors.Graph;
using DeviceBuffer = ILGPU.Runtime.MemoryBuffer1D<float, ILGPU.Stride1D.Dense>;

namespace StmKernel.Gpu;

/// <summary>
/// Every device buffer of one plan, plain NCHW (or [N, E], [N]) row-major: a buffer per graph value, kept for the
/// whole plan so the backward can read any forward value (simplicity over memory: no arena, no recomputation);
/// what an op saves for its backward (norm statistics, attention probabilities); and, for training plans, a
/// gradient per value that needs one.
/// </summary>
internal sealed class GpuPlanBuffers(Accelerator accelerator)
{
    private readonly List<DeviceBuffer> _all = [];

    /// <summary>A one-float buffer standing in for an absent optional input (kernels read it only behind their flags).</summary>
    public ArrayView<float> None { get; } = accelerator.Allocate1D<float>(1).View;

    /// <summary>Bytes held by the plan's buffers.</summary>
    public long Bytes => _all.Sum(b => b.LengthInBytes);

    /// <summary>A new device buffer of <paramref name="count"/> floats.</summary>
    public DeviceBuffer Allocate(long count)
    {
        var b = accelerator.Allocate1D<float>(count);
        _all.Add(b);
        return b;
    }

    /// <summary>Zeroes every buffer in <paramref name="buffers"/> (gradients, before each backward accumulates into them).</summary>
    public static void Zero(IEnumerable<DeviceBuffer> buffers)
    {
        foreach (var b in buffers) b.View.MemSetToZero();
    }

    /// <summary>A buffer per value of <paramref name="graph"/>.</summary>
    public DeviceBuffer[] ForValues(ComputeGraph graph) => [.. graph.Ops.Select(op => Allocate(op.Output.Count))];
}
