using System.Numerics.Tensors;
using StmKernel.Tensors.Threading;

namespace StmKernel.Tensors.Kernels.Backward;

/// <summary>
/// Backward of <see cref="Add"/> (and of an identity residual): both operands receive dy, so each
/// operand's gradient is dst = dy or dst += dy. Runs over whole planes (halos are zero in both).
/// </summary>
public sealed unsafe class AddInto : ParallelJob
{
    private readonly BlockedTensor _src, _dst;
    private readonly bool _accumulate;

    /// <summary>Plans dst (+)= src for tensors of the same shape.</summary>
    public AddInto(BlockedTensor source, BlockedTensor destination, bool accumulate)
    {
        if (!destination.HasShape(source.N, source.C, source.H, source.W)) throw new ArgumentException("add gradient operands differ in shape");
        _src = source; _dst = destination; _accumulate = accumulate;
    }

    /// <summary>Runs on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool) => pool.Run(this, _src.N * _src.Cb);

    /// <inheritdoc />
    public override void Execute(int task)
    {
        int len = _src.PlaneStride;
        ReadOnlySpan<float> s = _src.Data.Slice(task * len, len);
        var d = _dst.Data.Slice(task * len, len);
        if (_accumulate) TensorPrimitives.Add(d, s, d);
        else s.CopyTo(d);
    }
}
