using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors;

namespace StmKernel.Train.Data;

/// <summary>
/// Where a training run's (target, input) batches come from: scan degradation pairs (<see cref="PairBatches"/>) or
/// another use of the engine (orbital reconstruction). Batch k of a split must depend only on k and the source's
/// seed, so that a resumed run sees the same data: the step number is the whole data state.
/// </summary>
public interface ITrainingBatches
{
    /// <summary>Pairs per batch.</summary>
    int BatchSize { get; }

    /// <summary>Batch <paramref name="index"/> of <paramref name="split"/> as (target, input) [B, 1, H, W] in [−1, 1].</summary>
    (Tensor Clean, Tensor Degraded) Get(long index, DataSplit split = DataSplit.Train);
}
