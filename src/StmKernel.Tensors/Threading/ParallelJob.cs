namespace StmKernel.Tensors.Threading;

/// <summary>
/// A unit of parallel work: the pool calls <see cref="Execute"/> once per task index. Kernels keep
/// one job object per planned op, so running a forward pass allocates nothing.
/// </summary>
public abstract class ParallelJob
{
    /// <summary>Runs task <paramref name="task"/> in [0, task count).</summary>
    public abstract void Execute(int task);
}
