namespace StmKernel.Synthesis.Pairs;

/// <summary>Where pristine images come from: the procedural generator or a folder of user images.</summary>
public interface IPristineSource
{
    /// <summary>A short description for manifests, e.g. "procedural" or the folder path.</summary>
    string Description { get; }

    /// <summary>
    /// The pristine image for sample <paramref name="index"/> of <paramref name="split"/>, normalised to
    /// [0, 1] (the paper's first step), and an id naming the source image. Images of different splits
    /// never coincide. Must be deterministic in (split, index, rng state) and safe to call from several threads.
    /// </summary>
    (Plane Image01, string SourceId) Draw(DataSplit split, long index, Rng rng);
}
