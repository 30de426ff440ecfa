using StmKernel.Synthesis.Degradations;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// (clean, degraded) pairs for training and evaluation, drawn on the fly. Pair i of a split depends
/// only on (seed, split, i): it can be regenerated alone, and several threads may call
/// <see cref="Get"/> at once.
/// </summary>
public sealed class PairSource
{
    /// <param name="source">Pristine images.</param>
    /// <param name="settings">The degradation pipeline's settings (see <see cref="DegradationSettings.ForMode"/> and <see cref="DegradationSettings.Paper"/>).</param>
    /// <param name="seed">Seed of every per-pair random stream.</param>
    public PairSource(IPristineSource source, DegradationSettings settings, long seed)
    {
        ArgumentNullException.ThrowIfNull(source);
        Source = source;
        Pipeline = new DegradationPipeline(settings);
        Seed = seed;
    }

    /// <summary>The pristine images.</summary>
    public IPristineSource Source { get; }

    /// <summary>The degradation pipeline.</summary>
    public DegradationPipeline Pipeline { get; }

    /// <summary>The seed.</summary>
    public long Seed { get; }

    /// <summary>Pair <paramref name="index"/> of <paramref name="split"/>.</summary>
    /// <exception cref="InvalidDataException">The source image cannot hold the crop (message names it).</exception>
    public TrainingPair Get(DataSplit split, long index)
    {
        var rng = Rng.Derive(Seed, (long)split, index);
        var (image, id) = Source.Draw(split, index, rng);
        if (image.Width < Pipeline.Settings.CropSize || image.Height < Pipeline.Settings.CropSize)
            throw new InvalidDataException($"{id}: source is {image.Width}×{image.Height} px, smaller than the {Pipeline.Settings.CropSize}×{Pipeline.Settings.CropSize} crop");
        var (clean, degraded, plan) = Pipeline.Run(image, rng);
        return new TrainingPair(clean, degraded, split, index, id, plan);
    }

    /// <summary>The endless stream of pairs start, start + 1, … of a split (take what you need).</summary>
    public IEnumerable<TrainingPair> Pairs(DataSplit split, long start = 0)
    {
        for (long i = start; ; i++) yield return Get(split, i);
    }
}
