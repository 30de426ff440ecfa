using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors;

namespace StmKernel.Train.Data;

/// <summary>
/// Training batches drawn on the fly from a synthesis <see cref="PairSource"/>: batch k of a split is
/// pairs k·B … k·B + B − 1, each a fresh degradation of a random pristine crop. Pair i depends only on
/// (seed, split, i), so batch k is the same in a resumed run: the step number is the whole data state.
/// </summary>
public sealed class PairBatches : ITrainingBatches
{
    private readonly PairSource _pairs;
    private readonly int _threads;

    /// <summary>Batches of <paramref name="batchSize"/> pairs, generated on up to <paramref name="threads"/> threads.</summary>
    public PairBatches(PairSource pairs, int batchSize, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be ≥ 1");
        _pairs = pairs; BatchSize = batchSize; _threads = Math.Max(1, threads);
    }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public (Tensor Clean, Tensor Degraded) Get(long index, DataSplit split = DataSplit.Train)
    {
        var pairs = new TrainingPair[BatchSize];
        Parallel.For(0, BatchSize, new ParallelOptions { MaxDegreeOfParallelism = _threads },
            i => pairs[i] = _pairs.Get(split, index * BatchSize + i));
        return TrainingPair.Stack(pairs);
    }
}
