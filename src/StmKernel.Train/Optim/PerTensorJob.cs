using StmKernel.Tensors.Threading;

namespace StmKernel.Train.Optim;

/// <summary>Runs one optimizer body per parameter tensor on a <see cref="WorkerPool"/>. Each tensor is
/// updated by one task in a fixed element order, so results do not depend on the thread count.</summary>
internal sealed class PerTensorJob(Action<int> body) : ParallelJob
{
    /// <inheritdoc />
    public override void Execute(int task) => body(task);
}
