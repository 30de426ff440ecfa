namespace StmKernel.Imaging.Classical;

/// <summary>Which steps <see cref="ClassicalRestoration"/> runs; the defaults are what an STM user typically does by hand.</summary>
/// <param name="LevelPlane">Subtract the mean plane first.</param>
/// <param name="AlignRows">Row alignment method, or null to skip.</param>
/// <param name="RemoveScars">Mark scars and fill them by Laplace interpolation.</param>
/// <param name="Scars">Scar marking parameters; null = <see cref="ClassicalRestoration.DefaultScars"/>.</param>
/// <param name="MedianRadius">Median filter radius in pixels (0 = off).</param>
/// <param name="GaussianSigma">Gaussian blur σ in pixels (0 = off).</param>
public sealed record ClassicalOptions(
    bool LevelPlane = true,
    RowAlignMethod? AlignRows = RowAlignMethod.Median,
    bool RemoveScars = true,
    ScarOptions? Scars = null,
    int MedianRadius = 0,
    double GaussianSigma = 0);

/// <summary>
/// The classical baseline our models must beat: plane level → align rows → remove scars →
/// optional median / Gaussian smoothing, each step a Gwyddion 2.62 operation.
/// </summary>
public static class ClassicalRestoration
{
    /// <summary>
    /// Scar settings of the composed restoration: Gwyddion's thresholds but soft threshold 0.5 and
    /// bands ≤ 2 lines. With Gwyddion's own defaults (soft 0.25, ≤ 4 lines) the crests of a lattice
    /// with a period of ~7 px running within ~20° of the scan lines are marked as scars and erased;
    /// a user would retune exactly like this. Measured on the synthetic lattice of the tests:
    /// no false marks on the clean image, all synthetic scars found.
    /// </summary>
    public static ScarOptions DefaultScars { get; } = new(LowThreshold: 0.5, MaxWidth: 2);

    /// <summary>Runs the enabled steps in order and returns a new image with the same metadata.</summary>
    public static StmImage Restore(StmImage image, ClassicalOptions? options = null)
    {
        var o = options ?? new ClassicalOptions();
        var im = image;
        if (o.LevelPlane) im = PlaneLevel.Apply(im);
        if (o.AlignRows is { } method) im = RowAlignment.Apply(im, method);
        if (o.RemoveScars) im = Classical.Scars.Remove(im, o.Scars ?? DefaultScars);
        if (o.MedianRadius > 0) im = Filters.Median(im, o.MedianRadius);
        if (o.GaussianSigma > 0) im = Filters.Gaussian(im, o.GaussianSigma);
        return im;
    }
}
