namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// Draws each pristine image from the second source with probability a fixed share,
/// else from the first: real scans mixed into the procedural stream, so that a model sees
/// real content without over-fitting a few dozen frames. The choice uses the pair's own random stream,
/// so a pair still depends only on (seed, split, index).
/// </summary>
public sealed class MixedSource : IPristineSource
{
    private readonly IPristineSource _first, _second;

    /// <summary>The share of draws taken from the second source.</summary>
    public double SecondShare { get; }

    /// <exception cref="ArgumentException">The share is not in [0, 1].</exception>
    public MixedSource(IPristineSource first, IPristineSource second, double secondShare)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!(secondShare >= 0 && secondShare <= 1)) throw new ArgumentException($"mix share must be in [0, 1], got {secondShare}");
        (_first, _second, SecondShare) = (first, second, secondShare);
    }

    /// <inheritdoc/>
    public string Description => FormattableString.Invariant($"{_first.Description} + {SecondShare:P0} {_second.Description}");

    /// <inheritdoc/>
    public (Plane Image01, string SourceId) Draw(DataSplit split, long index, Rng rng) =>
        (rng.Bernoulli(SecondShare) ? _second : _first).Draw(split, index, rng);
}
