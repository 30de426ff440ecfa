using StmKernel.Synthesis.Degradations;
using StmKernel.Synthesis.Surface;

namespace StmKernel.Synthesis.Pairs;

/// <summary>
/// A fresh procedural surface for every sample. Surface seeds are derived from (seed, split, index),
/// so the three splits draw from disjoint seed streams: no surface is shared between them.
/// </summary>
/// <param name="parameters">Surface physics; its size should exceed the crop (default here 256×256 px, 50 nm).</param>
/// <param name="seed">Base seed of the surface streams.</param>
/// <param name="pixelSizeRange">
/// Pixel sizes (metres) drawn log-uniformly per surface, from its own seed (scale augmentation: a model
/// then knows Si(001):H at every scan size in the range); null keeps <see cref="SurfaceParameters.PixelSize"/>.
/// </param>
public sealed class ProceduralSource(SurfaceParameters parameters, long seed, ValueRange? pixelSizeRange = null) : IPristineSource
{
    /// <summary>The default per-sample surface: the paper's pixel size, 256 px square (a 128 crop plus room to move).</summary>
    public static SurfaceParameters DefaultParameters { get; } = new() { Width = 256, Height = 256 };

    /// <summary>The surface parameters used.</summary>
    public SurfaceParameters Parameters { get; } = parameters;

    /// <inheritdoc/>
    public string Description => "procedural Si(001):H";

    /// <summary>The seed of the surface of sample <paramref name="index"/> in <paramref name="split"/>.</summary>
    public long SurfaceSeed(DataSplit split, long index) => Rng.DeriveSeed(seed, 0x5EED, (long)split, index);

    /// <inheritdoc/>
    public (Plane Image01, string SourceId) Draw(DataSplit split, long index, Rng rng)
    {
        long s = SurfaceSeed(split, index);
        var p = pixelSizeRange is { } r ? Parameters with { PixelSize = PixelSizeOf(r, s) } : Parameters;
        var surface = SiH2x1Generator.Generate(p, s);
        return (Normalisation.ToUnit(surface.Heights), "procedural:" + s.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The pixel size of the surface with seed <paramref name="surfaceSeed"/>: log-uniform over the range.</summary>
    public static double PixelSizeOf(ValueRange range, long surfaceSeed)
    {
        if (!(range.Min > 0) || range.Min > range.Max) throw new ArgumentException($"pixel size range must be positive and ordered, got [{range.Min}, {range.Max}]");
        var rng = Rng.Derive(surfaceSeed, 0x9175);
        return range.Min == range.Max ? range.Min : Math.Exp(rng.Uniform(Math.Log(range.Min), Math.Log(range.Max)));
    }
}
