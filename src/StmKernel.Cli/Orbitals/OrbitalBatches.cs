using StmKernel.Orbitals;
using StmKernel.Synthesis;
using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Pairs;
using StmKernel.Tensors;
using StmKernel.Train.Data;

namespace StmKernel.Cli.Orbitals;

/// <summary>
/// Training batches of orbital pairs (<see cref="OrbitalPairSampler"/>): batch k of a split is pairs k·B … k·B + B − 1
/// of that split's molecules. Target and input are each min-max normalised to [−1, 1], the scan models' convention,
/// so the restorer's normalisation ("minmax[-1,1]") serves orbital models too. A share of identity pairs (input = the
/// target, an undegraded s-wave image) teaches the model to leave such an image alone: the session-7 model, which
/// never saw one, moved them by 0.03 SSIM (docs/orbitals.md, the pure-s bar is 0.01).
/// </summary>
internal sealed class OrbitalBatches : ITrainingBatches
{
    private readonly Dictionary<DataSplit, OrbitalPairSampler> _samplers;
    private readonly int _threads;
    private readonly bool _shuffledTargets;
    private readonly double _identityShare;
    private readonly long _seed;

    // A shuffled-target pair takes its target from this far along the same stream: another molecule, level and tip.
    private const long ShuffleOffset = 1L << 40;

    // The identity draws' own stream key, apart from the sampler's.
    private const long IdentityStream = 0x1D;

    /// <summary>
    /// Batches of <paramref name="batchSize"/> pairs of <paramref name="library"/>'s train and validation molecules. With
    /// <paramref name="shuffledTargets"/> each input is paired with another pair's target (the control of
    /// docs/orbitals.md: a model that learns from such pairs can only learn the targets' average look). Pair k is an
    /// identity pair with probability <paramref name="identityShare"/>, drawn from (seed, k) alone.
    /// </summary>
    public OrbitalBatches(MoleculeLibrary library, long seed, OrbitalRender grid, int batchSize, int threads, bool shuffledTargets = false, bool surroundings = false,
                          double identityShare = 0)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be ≥ 1");
        if (!(identityShare >= 0 && identityShare < 1)) throw new ArgumentOutOfRangeException(nameof(identityShare), identityShare, "identity share must be in [0, 1)");
        // The library's test split and held-out families are never drawn here: `orbitals eval` reads them.
        _samplers = new()
        {
            [DataSplit.Train] = new OrbitalPairSampler(library, Split.Train, seed, grid, surroundings),
            [DataSplit.Validation] = new OrbitalPairSampler(library, Split.Validation, seed, grid, surroundings),
        };
        BatchSize = batchSize; _threads = Math.Max(1, threads); _shuffledTargets = shuffledTargets;
        _identityShare = identityShare; _seed = seed;
    }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public (Tensor Clean, Tensor Degraded) Get(long index, DataSplit split = DataSplit.Train)
    {
        var sampler = _samplers.TryGetValue(split, out var s) ? s : throw new ArgumentException($"orbital training draws no {split} pairs", nameof(split));
        int w = sampler.Grid.Width, h = sampler.Grid.Height, plane = w * h;
        var clean = new Tensor(BatchSize, 1, h, w);
        var degraded = new Tensor(BatchSize, 1, h, w);
        Parallel.For(0, BatchSize, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i =>
        {
            long k = index * BatchSize + i;
            var (_, input, target, _) = sampler.Draw(k);
            if (_shuffledTargets) target = sampler.Draw(k + ShuffleOffset).Target;
            if (_identityShare > 0 && Rng.Derive(_seed, IdentityStream, (long)split, k).Bernoulli(_identityShare)) input = target;
            Normalisation.ToSymmetricUnit(new Plane(w, h, target)).Data.CopyTo(clean.Data, i * plane);
            Normalisation.ToSymmetricUnit(new Plane(w, h, input)).Data.CopyTo(degraded.Data, i * plane);
        });
        return (clean, degraded);
    }
}
